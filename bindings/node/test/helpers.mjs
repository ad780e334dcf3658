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

// The switches of the test command (scripts/test.sh sets them all): with one
// set, a missing fixture of its kind FAILS the run instead of skipping.
const SWITCHES = {
  testdata: ['REELKIT_REQUIRE_TESTDATA'],
  models: ['REELKIT_REQUIRE_MODELS'],
  // Programs scripts/setup.sh installs or builds (ffmpeg, the reelkit CLI).
  tools: ['REELKIT_REQUIRE_TESTDATA', 'REELKIT_REQUIRE_MODELS', 'REELKIT_REQUIRE_SERVICES'],
}

/**
 * The one rule for a missing fixture of `kind` ('testdata', 'models' or
 * 'tools'), as a `skip` option: `false` when present; when missing, throws
 * if the test command requires it, else returns `reason` (a visible skip).
 */
export function requireFixture(kind, present, reason) {
  if (present) return false
  const switches = SWITCHES[kind]
  if (switches.some((s) => process.env[s] === '1')) {
    throw new Error(`${reason}, and ${switches.join('/')}=1 requires it (run scripts/setup.sh)`)
  }
  return reason
}

/** `skip` option for tests that need a file of the shared test data. */
export function needsTestdata(relative) {
  const root = testdata ?? join(repoRoot, '..', 'shared', 'testdata')
  const found = requireFixture('testdata', testdata !== null, `test data not found (set REELKIT_TESTDATA; looked in ${root})`)
  if (found) return found
  return requireFixture('testdata', existsSync(join(testdata, relative)), `${relative} missing from ${testdata}`)
}

export const dataPath = (relative) => (testdata ? join(testdata, relative) : relative)

/** Whether model `id` is installed in the store the binding uses. */
export async function modelInstalled(id) {
  const models = await reelkit.modelsList()
  return Boolean(models.find((m) => m.id === id)?.installed)
}

/**
 * `skip` option for tests that need the tiny.en Whisper model installed.
 * With `REELKIT_REQUIRE_MODELS=1` a missing model fails the run instead.
 */
export const needsModel = requireFixture('models', await modelInstalled('tiny.en'), 'model tiny.en is not installed (run `reelkit models fetch tiny.en`)')

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
