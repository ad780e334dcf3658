import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { reelkit, needsModel, rejectsWithCode } from './helpers.mjs'

describe('models', () => {
  it('lists the store', async () => {
    const models = await reelkit.modelsList()
    const tiny = models.find((m) => m.id === 'tiny.en')
    assert.ok(tiny, JSON.stringify(models.map((m) => m.id)))
    assert.equal(tiny.kind, 'whisper')
    assert.equal(typeof tiny.installed, 'boolean')
    assert.ok(tiny.sizeBytes > 0)
    assert.ok(tiny.path.endsWith('ggml-model.bin'), tiny.path)
  })

  it('fetching an installed model does nothing but say so', { skip: needsModel }, async () => {
    const events = []
    const statuses = await reelkit.modelsFetch(['tiny.en'], { onProgress: (e) => events.push(e) })
    assert.deepEqual(statuses.map((s) => [s.id, s.installed]), [['tiny.en', true]])
    assert.deepEqual(events, [{ event: 'already_present', id: 'tiny.en' }])
  })

  it('rejects an unknown id with its code', async () => {
    const error = await rejectsWithCode(assert, reelkit.modelsFetch(['no-such-model']), 'unknown_model')
    assert.match(error.message, /no-such-model/)
  })
})
