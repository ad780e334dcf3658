import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it, before } from 'node:test'

import { reelkit, tempDir, testVideo, rejectsWithCode } from './helpers.mjs'

const SCRIPT = `[Script Info]
PlayResX: 320
PlayResY: 240

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,24,&H0000FFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,{\\k50}Hello {\\k50}Node
`

describe('subtitles', () => {
  let dir, video, scriptPath
  before(() => {
    dir = tempDir()
    video = testVideo(join(dir, 'in.mp4'), { seconds: 2, size: '320x240', rate: 25 })
    scriptPath = join(dir, 's.ass')
    writeFileSync(scriptPath, SCRIPT)
  })

  it('renders an RGBA buffer with straight alpha', async () => {
    const frame = await reelkit.renderSubtitles(scriptPath, 1, 320, 240)
    assert.equal(frame.data.length, 320 * 240 * 4)
    assert.deepEqual([...frame.data.subarray(0, 4)], [0, 0, 0, 0])
    let yellow = 0
    for (let i = 0; i < frame.data.length; i += 4) {
      if (frame.data[i] === 255 && frame.data[i + 1] === 255 && frame.data[i + 2] === 0 && frame.data[i + 3] === 255) yellow++
    }
    assert.ok(yellow > 50, `${yellow} yellow pixels`)
    const fromText = await reelkit.renderSubtitles(SCRIPT, 1, 320, 240)
    assert.ok(fromText.data.equals(frame.data))
    await rejectsWithCode(assert, reelkit.renderSubtitles(SCRIPT, 1, 0, 240), 'invalid_parameter')
    await rejectsWithCode(assert, reelkit.renderSubtitles(join(dir, 'missing.ass'), 1, 10, 10), 'not_found')
  })

  it('burns with progress, cancels, and lists presets and kits', async () => {
    const out = join(dir, 'out.mp4')
    const events = []
    const report = await reelkit.burnSubtitles(video, SCRIPT, out, { crf: 23, preset: 'ultrafast', onProgress: (e) => events.push(e) })
    assert.equal(report.frames, 50)
    assert.equal(report.audio, 'copied')
    assert.ok(report.overlayRenders <= 3)
    assert.ok(existsSync(out))
    assert.ok(events.length > 0 && events.at(-1).stage === 'export')
    const controller = new AbortController()
    controller.abort()
    await rejectsWithCode(assert, reelkit.burnSubtitles(video, SCRIPT, join(dir, 'never.mp4'), { signal: controller.signal }), 'cancelled')
    assert.ok(!existsSync(join(dir, 'never.mp4')))
    assert.deepEqual(reelkit.subtitlePresets().map((p) => p.name), ['bold', 'clean', 'karaoke', 'pop'])
    const kit = reelkit.loadBrandKit({ captions: { preset: 'clean', text_color: '#112233' } })
    assert.equal(kit.captions.preset, 'clean')
    assert.throws(() => reelkit.loadBrandKit({ captions: { text_color: 'red' } }), (e) => e.code === 'invalid_parameter' && /captions.text_color/.test(e.message))
  })
})
