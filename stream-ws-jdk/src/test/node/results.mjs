// Every stream::* function called through iii.trigger, and the error of an unknown id: prints each
// result as the SDK hands it to the caller.
import { registerWorker } from 'iii-sdk'
import { emit, deadline } from './lib.mjs'

deadline()
const iii = registerWorker(process.argv[2])
const call = async (function_id, payload) => {
  try {
    const result = await iii.trigger({ function_id, payload })
    return { result: result === undefined ? '<undefined>' : result }
  } catch (e) {
    return { error: { name: e.name, code: e.code, message: e.message } }
  }
}

const s = { stream_name: 'shapes', group_id: 'g1' }
const out = {}
out.set = await call('stream::set', { ...s, item_id: 'a', data: { n: 1 } })
out.setAgain = await call('stream::set', { ...s, item_id: 'a', data: { n: 2 } })
out.get = await call('stream::get', { ...s, item_id: 'a' })
out.getMissing = await call('stream::get', { ...s, item_id: 'nope' })
out.update = await call('stream::update', {
  ...s,
  item_id: 'a',
  ops: [{ type: 'increment', path: 'n', by: 5 }],
})
out.list = await call('stream::list', s)
out.listGroups = await call('stream::list_groups', { stream_name: 'shapes' })
out.listAll = await call('stream::list_all', {})
out.send = await call('stream::send', { ...s, type: 'ping', data: { x: 1 } })
out.delete = await call('stream::delete', { ...s, item_id: 'a' })
out.deleteMissing = await call('stream::delete', { ...s, item_id: 'a' })
out.badInput = await call('stream::set', { stream_name: 'shapes' })
out.unknown = await call('no::such::function', {})
emit('results', out)
await iii.shutdown()
process.exit(0)
