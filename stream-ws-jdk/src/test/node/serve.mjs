// A long-lived worker: a function others call, a join gate refusing one group, a leave trigger
// and a stream trigger that report what they saw. Stops (iii.shutdown()) when stdin closes.
import { registerWorker } from 'iii-sdk'
import { emit, stdinClosed } from './lib.mjs'

const iii = registerWorker(process.argv[2])

iii.registerFunction('calc::add', async (input) => ({ sum: input.a + input.b }))
iii.registerFunction('calc::fail', async () => {
  throw new Error('deliberate failure')
})
iii.registerFunction('gate::join', async (req) => {
  emit('join', { req })
  return req.group_id === 'secret' ? { unauthorized: true } : { unauthorized: false }
})
iii.registerFunction('gate::leave', async (req) => {
  emit('leave', { req })
  return null
})
iii.registerFunction('watch::on-change', async (event) => {
  emit('change', { payload: event })
  return null
})
iii.registerTrigger({
  type: 'stream:join',
  function_id: 'gate::join',
  config: { stream_name: 'rooms' },
})
iii.registerTrigger({
  type: 'stream:leave',
  function_id: 'gate::leave',
  config: { stream_name: 'rooms' },
})
iii.registerTrigger({
  type: 'stream',
  function_id: 'watch::on-change',
  config: { stream_name: 'watched', group_id: 'g' },
})
// the engine answers calls only after the registrations before them: once this returns, all of
// the above are in place
await iii.trigger({ function_id: 'stream::list_groups', payload: { stream_name: 'rooms' } })
emit('ready')

await stdinClosed()
await iii.shutdown()
emit('stopped')
process.exit(0)
