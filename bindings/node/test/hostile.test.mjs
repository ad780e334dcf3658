// Hostile input through the Node binding: typed errors carrying their
// stable code, never a crash (the Python binding's test_hostile.py, mirrored).
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { reelkit, tempDir, testVideo, rejectsWithCode } from './helpers.mjs'

const ass = (text) =>
  '[Script Info]\nPlayResX: 640\nPlayResY: 360\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\n' +
  'Style: Default,Arial,40\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n' +
  `Dialogue: 0,0:00:00.00,0:00:05.00,Default,${text}\n`

describe('hostile input', () => {
  for (const [name, tags] of [
    ['karaoke', '{\\k1e20}a{\\k1e20}b'],
    ['transform', '{\\t(-1e30,1e30,\\fs50)}x'],
    ['fad', '{\\fad(0,-1e30)}x'],
    ['move', '{\\move(1,2,3,4,-1e30,1e30)}x'],
  ]) {
    it(`renders saturated override tags (${name})`, async () => {
      const frame = await reelkit.renderSubtitles(ass(tags), 2.5, 64, 36)
      assert.equal(frame.width, 64)
      assert.equal(frame.height, 36)
      assert.equal(frame.data.length, 64 * 36 * 4)
    })
  }

  it('refuses a cue at hour 99999999999999999 with subtitle_parse and its line', () => {
    const path = join(tempDir(), 'huge.srt')
    writeFileSync(path, '1\n99999999999999999:00:00,000 --> 99999999999999999:00:01,000\nhello\n')
    assert.throws(
      () => reelkit.readSubtitles(path),
      (e) => e.code === 'subtitle_parse' && e.line === 2 && /hours out of range/.test(e.message),
    )
  })

  it('never opens what a playlist or a concat list names', async () => {
    const dir = tempDir()
    const video = testVideo(join(dir, 'tone.mp4'), { seconds: 1 })
    for (const [name, text] of [
      ['evil.m3u8', '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n'],
      ['evil.ffconcat', `ffconcat version 1.0\nfile '${video}'\n`],
    ]) {
      const path = join(dir, name)
      writeFileSync(path, text)
      const e = await rejectsWithCode(assert, reelkit.probe(path), 'not_media')
      assert.match(e.message, /names other files/)
      assert.throws(() => reelkit.probeSync(path), (e) => e.code === 'not_media')
    }
  })

  it('gives a truncated MP4 corrupt_media and a garbled one not_media', async () => {
    const dir = tempDir()
    const whole = readFileSync(testVideo(join(dir, 'tone.mp4'), { seconds: 2 }))
    const truncated = join(dir, 'truncated.mp4')
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)))
    const garbled = join(dir, 'garbled.mp4')
    writeFileSync(garbled, Buffer.concat([Buffer.alloc(64, 0x5a), whole.subarray(64)]))
    for (const [path, code] of [[truncated, 'corrupt_media'], [garbled, 'not_media']]) {
      const e = await rejectsWithCode(assert, reelkit.probe(path), code)
      assert.equal(e.path, path)
      await rejectsWithCode(assert, reelkit.run({ kind: 'scenes', input: path }), code)
      assert.throws(() => reelkit.probeSync(path), (e) => e.code === code)
    }
  })

  it('names a misspelt spec key with invalid_config', async () => {
    const e = await rejectsWithCode(assert, reelkit.run({ kind: 'scenes', input: 'a.mp4', params: { treshold: 2 } }), 'invalid_config')
    assert.equal(e.field, 'params.treshold')
    assert.ok(e.accepted.includes('threshold'))
    const top = await rejectsWithCode(assert, reelkit.run({ kind: 'clips', input: 'a.mp4', output: 'o', inptu: 'x' }), 'invalid_config')
    assert.equal(top.field, 'inptu')
  })

  it('decodes UTF-16 and Latin-1 subtitles', () => {
    const dir = tempDir()
    const text = '1\n00:00:01,000 --> 00:00:02,000\nÇa déjà vu\n'
    for (const [name, data] of [
      ['le.srt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['latin1.srt', Buffer.from(text, 'latin1')],
    ]) {
      const path = join(dir, name)
      writeFileSync(path, data)
      assert.deepEqual(reelkit.readSubtitles(path)[0].lines, ['Ça déjà vu'])
    }
  })
})
