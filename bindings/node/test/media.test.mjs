import assert from 'node:assert/strict'
import { writeFileSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it, before } from 'node:test'

import { reelkit, tempDir, testVideo, ffmpeg, rejectsWithCode, assertMonotonicStages } from './helpers.mjs'

describe('probe', () => {
  let dir, video
  before(() => {
    dir = tempDir()
    video = testVideo(join(dir, 'testsrc.mp4'), { seconds: 3, size: '320x240', rate: 25, faststart: true })
  })

  it('reads a generated MP4', async () => {
    const info = await reelkit.probe(video)
    assert.equal(info.path, video)
    assert.match(info.container, /mp4/)
    assert.ok(Math.abs(info.duration - 3) < 0.1, `duration ${info.duration}`)
    assert.equal(info.sizeBytes, statSync(video).size)
    assert.deepEqual(info.streams.map((s) => s.kind).sort(), ['audio', 'video'])
    const v = info.video
    assert.equal(v.codec, 'h264')
    assert.deepEqual([v.width, v.height, v.displayWidth, v.displayHeight], [320, 240, 320, 240])
    assert.ok(Math.abs(v.fps - 25) < 0.01)
    assert.equal(v.rotation, 0)
    assert.equal(v.frames, 75)
    assert.equal(info.audio.codec, 'aac')
    assert.equal(info.audio.sampleRate, 44100)
    assert.equal(info.audio.channels, 1)
  })

  it('probeSync gives the same answer', async () => {
    assert.deepEqual(reelkit.probeSync(video), await reelkit.probe(video))
  })

  it('rejects non-media, empty, truncated and missing files with a code', async () => {
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'this is not a video\n')
    const empty = join(dir, 'empty.mp4')
    writeFileSync(empty, '')
    const truncated = join(dir, 'truncated.mp4')
    writeFileSync(truncated, readFileSync(video).subarray(0, 20_000))

    const notMedia = await rejectsWithCode(assert, reelkit.probe(text), 'not_media')
    assert.ok(notMedia.message.startsWith(`${text}: not a media file`), notMedia.message)
    assert.ok(!notMedia.message.includes('\n'), 'one-line message')
    await rejectsWithCode(assert, reelkit.probe(empty), 'corrupt_media')
    await rejectsWithCode(assert, reelkit.probe(truncated), 'corrupt_media')
    await rejectsWithCode(assert, reelkit.probe(join(dir, 'absent.mp4')), 'not_found')
    assert.throws(() => reelkit.probeSync(text), (e) => e instanceof Error && e.code === 'not_media')
  })

  it('rejects an audio-less file where audio is needed', async () => {
    const silent = join(dir, 'video-only.mp4')
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', silent)
    await rejectsWithCode(assert, reelkit.decodeAudio(silent), 'missing_stream')
  })
})

describe('decodeAudio', () => {
  let video
  before(() => {
    video = testVideo(join(tempDir(), 'tone.mp4'), { seconds: 2 })
  })

  it('decodes 16 kHz mono by default', async () => {
    const samples = await reelkit.decodeAudio(video)
    assert.ok(samples instanceof Float32Array)
    const { duration } = await reelkit.probe(video)
    assert.ok(Math.abs(samples.length - duration * 16000) < 16000 * 0.05, `${samples.length} samples for ${duration} s`)
    const peak = samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0)
    assert.ok(peak > 0.05 && peak <= 1, `peak ${peak}`)
  })

  it('honours sample rate, channels and range', async () => {
    const samples = await reelkit.decodeAudio(video, { sampleRate: 8000, channels: 2, start: 0.5, end: 1.5 })
    assert.ok(Math.abs(samples.length - 2 * 8000) < 2 * 8000 * 0.05, `${samples.length} samples`)
  })

  it('rejects invalid options with invalid_parameter', async () => {
    await rejectsWithCode(assert, reelkit.decodeAudio(video, { channels: 5 }), 'invalid_parameter')
    await rejectsWithCode(assert, reelkit.decodeAudio(video, { sampleRate: 10 }), 'invalid_parameter')
  })
})

describe('cut and detectScenes', () => {
  let dir
  before(() => {
    dir = tempDir()
  })

  it('cuts a range frame-accurately, with progress', async () => {
    const video = testVideo(join(dir, 'long.mp4'), { seconds: 4 })
    const out = join(dir, 'cut.mp4')
    const events = []
    const result = await reelkit.cut(video, out, 1, 2.5, { onProgress: (e) => events.push(e) })
    assert.equal(result, out)
    const info = await reelkit.probe(out)
    assert.ok(Math.abs(info.duration - 1.5) < 0.1, `duration ${info.duration}`)
    assert.ok(events.length > 0)
    assert.ok(events.every((e) => e.stage === 'export'))
    assertMonotonicStages(assert, events)
    assert.equal(events.at(-1).fraction, 1)
    await rejectsWithCode(assert, reelkit.cut(video, join(dir, 'bad.mp4'), 3, 2), 'invalid_parameter')
  })

  it('finds the hard cut between two colours', async () => {
    const video = join(dir, 'two-scenes.mp4')
    ffmpeg(
      '-f', 'lavfi', '-i', 'color=c=red:size=160x120:rate=25:duration=2',
      '-f', 'lavfi', '-i', 'color=c=white:size=160x120:rate=25:duration=2',
      '-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video,
    )
    const list = await reelkit.detectScenes(video)
    assert.equal(list.scenes.length, 2, JSON.stringify(list.scenes))
    assert.equal(list.cuts.length, 1)
    assert.ok(Math.abs(list.cuts[0] - 2) <= 0.05, `cut at ${list.cuts[0]}`)
    assert.equal(list.scenes[1].startFrame, 50)
    await rejectsWithCode(assert, reelkit.detectScenes(video, { threshold: 300 }), 'invalid_parameter')
  })
})
