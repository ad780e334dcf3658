// `run(spec)`: the job surface every face shares, checked against the CLI
// on the shared fixture specs (examples/specs).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { reelkit, needsModel, rejectsWithCode, repoRoot, tempDir, testVideo, assertMonotonicStages } from './helpers.mjs'

/** A fixture spec with its input and output made absolute, as cli/tests/run.rs does. */
function fixture(name, out) {
  const spec = JSON.parse(readFileSync(join(repoRoot, 'examples', 'specs', name), 'utf8'))
  return { ...spec, input: join(repoRoot, 'examples', 'sample.mp4'), output: out }
}

/** `reelkit run -` of `spec` with the CLI built from this tree (`cargo build -p reelkit-cli`). */
function cliRun(spec) {
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'reelkit', 'target')
  const cli = process.env.REELKIT_CLI || join(targetDir, 'debug', 'reelkit')
  assert.ok(existsSync(cli), `${cli} missing: build the CLI with \`cargo build -p reelkit-cli\` (scripts/test.sh does)`)
  return spawnSync(cli, ['run', '-'], { input: JSON.stringify(spec), encoding: 'utf8' })
}

describe('run', () => {
  it('runs the clips fixture and reports the clips the CLI reports', { skip: needsModel }, async () => {
    const events = []
    const out = tempDir()
    const report = await reelkit.run(fixture('clips.json', out), { onProgress: (e) => events.push(e) })
    assert.equal(report.kind, 'clips')
    assert.equal(report.aspect, '9:16')
    for (const name of ['clip-01.mp4', 'clip-01.srt', 'clip-01.vtt', 'clip-01.ass', 'clips.json', 'transcript.json']) {
      assert.ok(existsSync(join(out, name)), `${name} missing`)
    }
    // clips.json is the report without the kind tag, snake_case as in JSON.
    const written = JSON.parse(readFileSync(join(out, 'clips.json'), 'utf8'))
    assert.deepEqual(written.clips, report.clips)
    assert.equal(typeof report.clips[0].signals.words_per_second, 'number')

    const cli = cliRun(fixture('clips.json', tempDir()))
    assert.equal(cli.status, 0, cli.stderr)
    const expected = JSON.parse(cli.stdout)
    const summary = (r) => r.clips.map(({ start, end, text }) => ({ start, end, text }))
    assert.equal(report.clips.length, expected.clips.length)
    assert.deepEqual(summary(report), summary(expected))
    assert.equal(report.clips.length, 1)

    for (const stage of ['probe', 'transcribe', 'export']) assert.ok(events.some((e) => e.stage === stage), `no ${stage} event`)
    assertMonotonicStages(assert, events)
  })

  it('refuses the misspelt fixture with the code and path the CLI gives', async () => {
    const spec = fixture('clips-misspelt.json', tempDir())
    const error = await rejectsWithCode(assert, reelkit.run(spec), 'invalid_config')
    assert.ok(error instanceof TypeError)
    assert.equal(error.field, 'params.topp')
    assert.ok(error.accepted.includes('top'), String(error.accepted))
    const cli = cliRun(spec)
    assert.equal(cli.status, 2)
    assert.equal(cli.stderr.trim(), `error: ${error.message} [${error.code}]`)
  })

  it('reads specs strictly and names the field at fault', async () => {
    const video = testVideo(join(tempDir(), 'tone.mp4'), { seconds: 1 })
    const wrongType = await rejectsWithCode(assert, reelkit.run({ kind: 'clips', input: video, output: tempDir(), params: { top: 'two' } }), 'invalid_config')
    assert.equal(wrongType.field, 'params.top')
    const kind = await rejectsWithCode(assert, reelkit.run({ kind: 'clipz', input: video }), 'invalid_config')
    assert.equal(kind.field, 'kind')
    assert.ok(kind.accepted.includes('transcribe'))
    const range = await rejectsWithCode(assert, reelkit.run({ kind: 'clips', input: video, output: tempDir(), params: { top: 0 } }), 'invalid_parameter')
    assert.ok(range instanceof RangeError)
    assert.equal(range.field, 'params.top')
    const missing = await rejectsWithCode(assert, reelkit.run({ kind: 'burn', input: video }), 'invalid_parameter')
    assert.equal(missing.field, 'output')
    const notMedia = await rejectsWithCode(assert, reelkit.run({ kind: 'probe', input: join(tempDir(), 'absent.mp4') }), 'not_found')
    assert.equal(notMedia.stage, 'probe')
  })

  it('reports in the JSON form, tagged with the kind', async () => {
    const dir = tempDir()
    const video = testVideo(join(dir, 'in.mp4'), { seconds: 2 })
    const info = await reelkit.run({ kind: 'probe', input: video, output: join(dir, 'info.json') })
    assert.equal(info.kind, 'probe')
    assert.equal(info.video.display_width, 320)
    assert.equal(info.size_bytes, readFileSync(video).length)
    const { kind, ...written } = info
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')), written)
    const events = []
    const scenes = await reelkit.run({ kind: 'scenes', input: video, params: { threshold: 30 } }, { onProgress: (e) => events.push(e) })
    assert.equal(scenes.kind, 'scenes')
    assert.equal(scenes.output, null)
    assert.ok(events.length > 0 && events.every((e) => e.stage === 'scenes'))
    await rejectsWithCode(assert, reelkit.run({ kind: 'scenes', input: video }, { signal: AbortSignal.abort() }), 'cancelled')
  })
})
