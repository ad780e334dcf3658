import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { assertMonotonicStages, ffmpeg, reelkit, rejectsWithCode, tempDir, testVideo } from './helpers.mjs'

/** Seconds of every segment of a media playlist. */
function segmentSeconds(playlist) {
  return readFileSync(playlist, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('#EXTINF:'))
    .map((l) => parseFloat(l.slice(8)))
}

describe('transcode', () => {
  let dir, video
  before(() => {
    dir = tempDir()
    video = testVideo(join(dir, 'in.mp4'), { seconds: 2, size: '320x240', rate: 25 })
  })

  it('makes a ladder, a proxy, stills, sprites and peaks from one decode', async () => {
    const events = []
    const out = join(dir, 'all')
    const report = await reelkit.transcode(video, {
      hls: { dir: join(out, 'hls'), ladder: [480, 240, 120], preset: 'ultrafast', segmentSeconds: 1 },
      proxy: { path: join(out, 'proxy.mp4'), preset: 'ultrafast' },
      thumbnails: { dir: join(out, 'thumbs'), count: 2, width: 96 },
      sprite: { dir: join(out, 'sprite'), interval: 0.5, tileWidth: 64, columns: 2, rows: 2 },
      waveform: { path: join(out, 'wave.json'), peaksPerSecond: 10 },
      onProgress: (e) => events.push(e),
    })
    assert.equal(report.decodedFrames, 50)
    assert.deepEqual(report.hls.skippedRungs, [480])
    assert.deepEqual(report.hls.renditions.map((r) => r.name), ['240p', '120p', 'audio'])
    for (const r of report.hls.renditions.filter((r) => r.kind === 'video')) assert.equal(r.units, 50)
    for (const rung of ['240p', '120p', 'audio']) {
      const playlist = join(out, 'hls', rung, 'index.m3u8')
      const total = segmentSeconds(playlist).reduce((a, b) => a + b, 0)
      assert.ok(Math.abs(total - 2) < 0.05, `${rung}: ${total} s`)
      execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', playlist, '-f', 'null', '-'])
    }
    const master = readFileSync(join(out, 'hls', 'master.m3u8'), 'utf8')
    assert.match(master, /RESOLUTION=320x240/)
    assert.match(master, /TYPE=AUDIO,GROUP-ID="audio"/)
    assert.equal(report.proxy.frames, 50)
    assert.deepEqual(report.thumbnails.files.map((f) => f.file), ['thumb-0001.jpg', 'thumb-0002.jpg'])
    assert.equal(report.sprite.tiles, 4)
    assert.deepEqual(report.sprite.sheets, ['sprite-001.jpg'])
    assert.match(readFileSync(join(out, 'sprite', 'thumbnails.vtt'), 'utf8'), /^WEBVTT\n/)
    const wave = JSON.parse(readFileSync(join(out, 'wave.json'), 'utf8'))
    assert.equal(wave.length, 20)
    assert.ok(events.length > 0 && events.every((e) => e.stage === 'transcode'))
    assert.equal(events.at(-1).fraction, 1)
    assert.ok(events.filter((e) => e.done > 0).every((e) => e.rate > 0), 'fps on every event with frames done')
    assertMonotonicStages(assert, events)
  })

  it('rejects bad settings and inputs with a code, leaving nothing', async () => {
    await rejectsWithCode(assert, reelkit.transcode(video, {}), 'invalid_parameter')
    await rejectsWithCode(assert, reelkit.transcode(video, { hls: { dir: join(dir, 'x'), crf: 60 } }), 'invalid_parameter')
    const format = await rejectsWithCode(assert, reelkit.transcode(video, { hls: { dir: join(dir, 'x'), segmentFormat: 'avi' } }), 'invalid_config')
    assert.equal(format.field, 'params.hls.segment_format')
    assert.deepEqual(format.accepted, ['fmp4', 'ts'])
    const unknown = await rejectsWithCode(assert, reelkit.transcode(video, { hls: { dir: join(dir, 'x'), segmentSecs: 2 } }), 'invalid_config')
    assert.equal(unknown.field, 'params.hls.segment_secs')
    const text = join(dir, 'notes.mp4')
    writeFileSync(text, 'not a video '.repeat(100))
    await rejectsWithCode(assert, reelkit.transcode(text, { hls: { dir: join(dir, 'x') } }), 'not_media')
    const tone = join(dir, 'tone.wav')
    ffmpeg('-f', 'lavfi', '-i', 'sine=duration=1', tone)
    await rejectsWithCode(assert, reelkit.transcode(tone, { sprite: { dir: join(dir, 'x') } }), 'missing_stream')
    assert.ok(!existsSync(join(dir, 'x')))
  })

  it('stops on an AbortSignal and leaves no playlist', async () => {
    const long = testVideo(join(dir, 'long.mp4'), { seconds: 20, size: '640x360', rate: 30 })
    const out = join(dir, 'aborted')
    mkdirSync(out)
    const controller = new AbortController()
    const job = reelkit.transcode(long, {
      hls: { dir: join(out, 'hls'), ladder: [360, 240], preset: 'medium' },
      onProgress: (e) => {
        if (e.done > 0) controller.abort()
      },
      signal: controller.signal,
    })
    await rejectsWithCode(assert, job, 'cancelled')
    assert.deepEqual(readdirSync(out), [])
  })
})

describe('ingest', () => {
  let dir, video, server, base
  before(async () => {
    dir = tempDir()
    const site = join(dir, 'site')
    mkdirSync(site)
    video = testVideo(join(dir, 'clip.mp4'), { seconds: 2 })
    copyFileSync(video, join(site, 'clip.mp4'))
    server = createServer((req, res) => {
      if (req.url === '/hang') return // never answers
      const file = join(site, req.url.slice(1))
      if (!existsSync(file)) {
        res.writeHead(404).end('not here')
        return
      }
      res.writeHead(200, { 'content-type': 'video/mp4' }).end(readFileSync(file))
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${server.address().port}`
  })
  after(() => server.closeAllConnections?.() ?? server.close())

  it('fingerprints, sniffs and stores local files and downloads', async () => {
    const digest = createHash('sha256').update(readFileSync(video)).digest('hex')
    assert.equal(await reelkit.fingerprint(video), digest)
    assert.equal(reelkit.sniffContainer(video), 'mp4')
    const local = await reelkit.ingest(video)
    assert.equal(local.method, 'file')
    assert.equal(local.sha256, digest)
    assert.equal(local.media.video.width, 320)
    const store = join(dir, 'store')
    const events = []
    const fetched = await reelkit.ingest(`${base}/clip.mp4`, { dest: store, ytDlpMode: 'never', onProgress: (e) => events.push(e) })
    assert.equal(fetched.method, 'http')
    assert.equal(fetched.path, join(store, `${digest}.mp4`))
    assert.ok(events.some((e) => e.stage === 'download' && e.unit === 'bytes'))
    const again = await reelkit.ingest(video, { dest: store })
    assert.ok(again.duplicate)
  })

  it('rejects broken rules and failed fetches with a code', async () => {
    const rule = await rejectsWithCode(assert, reelkit.ingest(video, { policy: { maxDuration: 1 } }), 'policy_violation')
    assert.match(rule.message, /max_duration/)
    await rejectsWithCode(assert, reelkit.ingest(video, { policy: { allowedContainers: ['webm'] } }), 'policy_violation')
    await rejectsWithCode(assert, reelkit.ingest(`${base}/missing.mp4`, { dest: dir, ytDlpMode: 'never' }), 'download_failed')
    await rejectsWithCode(assert, reelkit.ingest(`${base}/hang`, { dest: dir, ytDlpMode: 'never', idleTimeout: 1 }), 'timeout')
    const mode = await rejectsWithCode(assert, reelkit.ingest(`${base}/clip.mp4`, { dest: dir, ytDlpMode: 'sometimes' }), 'invalid_config')
    assert.equal(mode.field, 'params.fetch.yt_dlp_mode')
    const policy = await rejectsWithCode(assert, reelkit.ingest(video, { policy: { maxBites: 1 } }), 'invalid_config')
    assert.equal(policy.field, 'params.policy.max_bites')
    await rejectsWithCode(
      assert,
      reelkit.ingest(`${base}/clip.mp4`, { dest: dir, ytDlpMode: 'always', ytDlp: '/nonexistent/yt-dlp' }),
      'tool_failed',
    )
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [])
  })
})
