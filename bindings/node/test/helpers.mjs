// Shared by the tests: the binding, test data, generated media.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const reelkit = createRequire(import.meta.url)('../index.js')

export const packageDir = fileURLToPath(new URL('..', import.meta.url))
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

/** The shared test data folder, or null when it is absent. */
export const testdata = (() => {
  const dir = process.env.REELKIT_TESTDATA || join(repoRoot, '..', 'shared', 'testdata')
  return existsSync(join(dir, 'MANIFEST.md')) ? dir : null
})()

/** `skip` option for tests that need a file of the shared test data. */
export function needsTestdata(relative) {
  if (!testdata) return `test data not found (set REELKIT_TESTDATA; looked in ${join(repoRoot, '..', 'shared', 'testdata')})`
  return existsSync(join(testdata, relative)) ? false : `${relative} missing from ${testdata}`
}

export const dataPath = (relative) => (testdata ? join(testdata, relative) : relative)

/**
 * `skip` option for tests that need the tiny.en Whisper model installed.
 * With `REELKIT_REQUIRE_MODELS=1` a missing model fails the run instead.
 */
export const needsModel = await (async () => {
  const models = await reelkit.modelsList()
  if (models.find((m) => m.id === 'tiny.en')?.installed) return false
  const reason = 'model tiny.en is not installed (run `reelkit models fetch tiny.en`)'
  if (process.env.REELKIT_REQUIRE_MODELS === '1') throw new Error(`${reason}; REELKIT_REQUIRE_MODELS=1 requires it`)
  return reason
})()

/** A fresh temporary directory, removed when the process exits. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'reelkit-node-'))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Run the ffmpeg CLI (quiet, overwrite). */
export function ffmpeg(...args) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
}

/** An H.264 + AAC MP4 of `seconds` from FFmpeg's test sources. */
export function testVideo(path, { seconds = 3, size = '320x240', rate = 25, faststart = false } = {}) {
  ffmpeg(
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    ...(faststart ? ['-movflags', '+faststart'] : []),
    path,
  )
  return path
}

/** Assert `promise` rejects with an `Error` carrying `code`; returns the error. */
export async function rejectsWithCode(assert, promise, code) {
  let error
  await assert.rejects(promise, (e) => {
    error = e
    return true
  })
  assert.ok(error instanceof Error, `expected an Error, got ${error}`)
  assert.equal(error.code, code, `code of: ${error.message}`)
  return error
}

/** Split events into runs of the same stage and check fractions never go back within a run. */
export function assertMonotonicStages(assert, events) {
  let last = null
  for (const e of events) {
    if (last && last.stage === e.stage && last.fraction != null && e.fraction != null) {
      assert.ok(e.fraction >= last.fraction, `${e.stage}: fraction went from ${last.fraction} to ${e.fraction}`)
    }
    if (e.fraction != null) {
      assert.ok(e.fraction >= 0 && e.fraction <= 1, `fraction ${e.fraction} out of range`)
    }
    last = e
  }
}
