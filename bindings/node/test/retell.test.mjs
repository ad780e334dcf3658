// `retell`: a short two-chapter film (espeak-ng speech over lavfi pictures,
// one subject and one picture per chapter) retold in 12 seconds.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

import { reelkit, modelInstalled, needsModel, requireFixture, tempDir, rejectsWithCode, assertMonotonicStages } from './helpers.mjs'

// The fixture film, built the same way for every face's tests.
const MAKE_FILM = fileURLToPath(new URL('../../../scripts/make_retell_film.sh', import.meta.url))

const hasEspeak = (() => {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const needsRetellModels =
  needsModel ||
  requireFixture('models', (await modelInstalled('joe')) && (await modelInstalled('minilm')), 'models joe and minilm are not installed (run `reelkit models fetch`)') ||
  requireFixture('tools', hasEspeak, 'espeak-ng is not installed')

/** The two-chapter film, written into `dir`. */
function buildFilm(dir) {
  execFileSync('bash', [MAKE_FILM, dir], { stdio: ['ignore', 'ignore', 'inherit'] })
  return join(dir, 'film.mp4')
}

describe('retell', () => {
  it('retells a two-chapter film with progress, captions and a script', { skip: needsRetellModels }, async () => {
    const dir = tempDir()
    const film = buildFilm(dir)
    const out = join(dir, 'out')
    const events = []
    const report = await reelkit.retell(film, out, {
      minutes: 0.2,
      bed: 'mute',
      options: { min_chapter: 4, max_shot: 4 },
      onProgress: (e) => events.push(e),
    })

    for (const file of ['retell.mp4', 'retell.srt', 'retell.json', 'retell.otio']) {
      assert.ok(existsSync(join(out, file)), `${file} missing`)
    }
    assert.equal(report.video, 'retell.mp4')
    assert.equal(report.narrationSource, 'extractive')
    assert.equal(report.analysisCached, false)
    assert.equal(report.target, 12)
    assert.ok(Math.abs(report.duration - 12) <= 1.2, `retell lasts ${report.duration} s for 12 s asked`)
    assert.ok(report.chapters.length >= 1 && report.narration.length >= 1, JSON.stringify(report))
    assert.ok(report.shots >= 1)
    const order = report.narration.map((l) => l.chapter)
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'narration out of chapter order')
    const info = await reelkit.probe(join(out, 'retell.mp4'))
    assert.equal(info.video.codec, 'h264')
    assert.equal(info.audio.codec, 'aac')
    assert.ok(Math.abs(info.duration - report.duration) < 0.3, `${info.duration} vs ${report.duration}`)

    const script = JSON.parse(readFileSync(join(out, 'retell.json'), 'utf8'))
    assert.deepEqual(script.narration.map((l) => l.text), report.narration.map((l) => l.text))
    for (const s of script.shots) {
      assert.ok(s.source_start >= 0 && s.source_end <= report.sourceDuration + 1e-6 && s.source_end > s.source_start, JSON.stringify(s))
    }
    const captions = (reelkit.readSubtitles(join(out, 'retell.srt'))).flatMap((c) => c.lines).join(' ')
    assert.equal(captions, report.narration.map((l) => l.text).join(' '))

    const stages = new Set(events.map((e) => e.stage))
    for (const stage of ['fingerprint', 'transcribe', 'scenes', 'synthesize', 'mix', 'render']) {
      assert.ok(stages.has(stage), `no ${stage} event in ${[...stages]}`)
    }
    assertMonotonicStages(assert, events)

    // The same job through `run`, rendering the script again from the cache.
    const again = await reelkit.run({ kind: 'retell', input: film, output: out, params: { minutes: 0.2, bed: 'mute', min_chapter: 4, max_shot: 4, script: join(out, 'retell.json') } })
    assert.equal(again.kind, 'retell')
    assert.equal(again.analysis_cached, true)
    assert.equal(again.narration_source, 'script')
  })

  it('refuses bad options before any work', async () => {
    const out = join(tempDir(), 'never')
    const minutes = await rejectsWithCode(assert, reelkit.retell('a.mp4', out, { minutes: 500 }), 'invalid_parameter')
    assert.equal(minutes.field, 'params.minutes')
    const unknown = await rejectsWithCode(assert, reelkit.retell('a.mp4', out, { options: { minuts: 2 } }), 'invalid_config')
    assert.equal(unknown.field, 'params.minuts')
    assert.ok(unknown.accepted.includes('minutes'))
    const bed = await rejectsWithCode(assert, reelkit.retell('a.mp4', out, { bed: 'loud' }), 'invalid_config')
    assert.equal(bed.field, 'params.bed')
    const crossfade = await rejectsWithCode(assert, reelkit.retell('a.mp4', out, { options: { crossfade: 5 } }), 'invalid_parameter')
    assert.equal(crossfade.field, 'params.crossfade')
    assert.ok(!existsSync(out))
  })
})
