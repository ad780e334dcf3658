// Text to speech and dubbing through the Node binding.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'

import { ffmpeg, modelInstalled, reelkit, requireFixture, tempDir } from './helpers.mjs'

const needsVoice = requireFixture(
  'models',
  (await modelInstalled('joe')) && (await modelInstalled('onnxruntime')),
  'the joe voice and ONNX Runtime are not installed (run `reelkit models fetch`)',
)

test('synthesize returns Float32Array audio, deterministic per seed', { skip: needsVoice }, async () => {
  const events = []
  const speech = await reelkit.synthesize('Hello from Node. Second sentence.', { seed: 5, onProgress: (e) => events.push(e) })
  assert.ok(speech.audio instanceof Float32Array)
  assert.equal(speech.sampleRate, 22050)
  assert.equal(speech.voice, 'joe')
  assert.ok(Math.abs(speech.duration - speech.audio.length / 22050) < 1e-9)
  assert.deepEqual(speech.sentences.map((s) => s.text), ['Hello from Node.', 'Second sentence.'])
  assert.ok(events.some((e) => e.stage === 'synthesize'))
  const again = await reelkit.synthesize('Hello from Node. Second sentence.', { seed: 5 })
  assert.deepEqual(again.audio, speech.audio)
  const other = await reelkit.synthesize('Hello from Node. Second sentence.', { seed: 6 })
  assert.notDeepEqual(other.audio, speech.audio)
})

test('batch, WAV file, voices and espeak-ng fallback', { skip: needsVoice }, async () => {
  const speeches = await reelkit.synthesizeBatch(['One.', 'Two, a bit longer than one.'], { options: { sentence_pause: 0.1 } })
  assert.equal(speeches.length, 2)
  assert.ok(speeches[1].duration > speeches[0].duration)
  const dir = tempDir()
  const out = join(dir, 'speech.wav')
  const summary = await reelkit.tts('Written by Node.', out, { rate: 1.2 })
  assert.ok(existsSync(out))
  assert.equal(summary.sentences, 1)
  const voices = await reelkit.voices()
  assert.ok(voices.some((v) => v.id === 'joe' && v.engine === 'piper'))
  assert.ok(voices.filter((v) => v.engine === 'espeak').length > 50)
  const german = await reelkit.synthesize('Guten Abend.', { voice: 'espeak:de' })
  assert.ok(german.duration > 0.3)
})

test('bad input rejects with coded errors; cancellation works', { skip: needsVoice }, async () => {
  await assert.rejects(reelkit.synthesize(''), { code: 'invalid_parameter' })
  await assert.rejects(reelkit.synthesize('hi', { voice: 'nobody' }), (e) => e.code === 'invalid_parameter' && /unknown voice/.test(e.message))
  await assert.rejects(reelkit.synthesize('hi', { options: { noise_scal: 1 } }), { code: 'invalid_config', field: 'options.noise_scal' })
  await assert.rejects(reelkit.synthesize('\ue000\u2592'), (e) => /nothing the voice can speak/.test(e.message))
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 300)
  await assert.rejects(reelkit.synthesize('Spoken again and again. '.repeat(200), { signal: controller.signal }), { code: 'cancelled' })
})

test('dub writes the clip, the stems and a report at the loudness target', { skip: needsVoice }, async () => {
  const dir = tempDir()
  const input = join(dir, 'in.mp4')
  ffmpeg(
    '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=5',
    '-f', 'lavfi', '-i', 'sine=frequency=500:sample_rate=48000:duration=5',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', input,
  )
  const script = join(dir, 'narration.srt')
  writeFileSync(script, '1\n00:00:00,500 --> 00:00:03,500\nNarration from Node over a tone.\n')
  const out = join(dir, 'dubbed.mp4')
  const report = await reelkit.dub(input, script, out, { lufs: -15, options: { duck: { depth_db: -9 } } })
  assert.ok(existsSync(out) && existsSync(join(dir, 'dubbed.narration.wav')) && existsSync(join(dir, 'dubbed.bed.wav')))
  assert.equal(report.cues[0].status, 'fits')
  assert.deepEqual(report.unfit, [])
  assert.equal(report.targetLufs, -15)
  const log = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', out, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8' }).stderr
  const summary = log.slice(log.lastIndexOf('Summary:'))
  assert.ok(Math.abs(Number(/I:\s+(-?[\d.]+)/.exec(summary)[1]) + 15) <= 0.5, summary)
  assert.ok(Number(/Peak:\s+(-?[\d.]+)/.exec(summary)[1]) <= -1, summary)
  const measured = await reelkit.measureLoudness(out)
  assert.ok(Math.abs(measured.integratedLufs + 15) <= 0.5)
  await assert.rejects(reelkit.dub(input, script, out, { lufs: 3 }), { code: 'invalid_parameter' })
})
