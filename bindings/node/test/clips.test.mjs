import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { reelkit, dataPath, needsTestdata, needsModel, tempDir, testVideo, rejectsWithCode, assertMonotonicStages } from './helpers.mjs'

const SPEECH_VIDEO = 'speech-video/example.mp4'

describe('clips', () => {
  it('exports the best clip of example.mp4 with captions and a report', { skip: needsModel || needsTestdata(SPEECH_VIDEO) }, async () => {
    const out = tempDir()
    const events = []
    let settled = false
    const report = await reelkit.clips(dataPath(SPEECH_VIDEO), out, {
      top: 1,
      minDuration: 3,
      maxDuration: 12,
      onProgress: (e) => {
        assert.ok(!settled, 'progress event after the promise settled')
        events.push(e)
      },
    })
    settled = true

    for (const file of ['clip-01.mp4', 'clip-01.srt', 'clip-01.vtt', 'clips.json', 'transcript.json']) {
      assert.ok(existsSync(join(out, file)), `${file} missing`)
    }
    assert.equal(report.clips.length, 1)
    const clip = report.clips[0]
    assert.equal(clip.index, 1)
    assert.equal(clip.video, 'clip-01.mp4')
    assert.ok(clip.end > clip.start && clip.duration <= 12 + 1, JSON.stringify(clip))
    assert.ok(clip.text.length > 0)
    assert.equal(typeof clip.signals.wordsPerSecond, 'number')
    assert.equal(report.model, 'tiny.en')
    assert.equal(report.aspect, 'source')

    const json = JSON.parse(readFileSync(join(out, 'clips.json'), 'utf8'))
    assert.equal(json.clips[0].video, 'clip-01.mp4')
    assert.equal(json.clips[0].start, clip.start)
    assert.match(readFileSync(join(out, 'clip-01.srt'), 'utf8'), /^1\r?\n\d\d:\d\d:\d\d,\d{3} --> /)
    const info = await reelkit.probe(join(out, 'clip-01.mp4'))
    assert.ok(Math.abs(info.duration - clip.duration) < 0.2, `${info.duration} vs ${clip.duration}`)

    const stages = [...new Set(events.map((e) => e.stage))]
    for (const stage of ['probe', 'transcribe', 'export']) assert.ok(stages.includes(stage), `no ${stage} event in ${stages}`)
    assertMonotonicStages(assert, events)
    const lastExport = events.filter((e) => e.stage === 'export').at(-1)
    assert.equal(lastExport.fraction, 1)
  })

  it('takes a partial job as JSON and refuses unknown keys', async () => {
    const video = testVideo(join(tempDir(), 'tone.mp4'), { seconds: 1 })
    const out = tempDir()
    // Keys and types are checked as `run` checks a spec's params.
    const unknown = await rejectsWithCode(assert, reelkit.clips(video, out, { options: { clips: { topp: 2 } } }), 'invalid_config')
    assert.match(unknown.message, /`params\.clips\.topp`/)
    assert.equal(unknown.field, 'params.clips.topp')
    assert.ok(unknown.accepted.includes('top'))
    await rejectsWithCode(assert, reelkit.clips(video, out, { options: { crf: 99 } }), 'invalid_parameter')
    const type = await rejectsWithCode(assert, reelkit.clips(video, out, { options: { burn_captions: 'yes' } }), 'invalid_config')
    assert.equal(type.field, 'params.burn_captions')
    const aspect = await rejectsWithCode(assert, reelkit.clips(video, out, { aspect: '3:2' }), 'invalid_config')
    assert.equal(aspect.field, 'params.aspect')
    const top = await rejectsWithCode(assert, reelkit.clips(video, out, { top: 0 }), 'invalid_parameter')
    assert.equal(top.field, 'params.top')
  })
})
