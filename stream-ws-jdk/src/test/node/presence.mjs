// The seed's usage example, unchanged but for the address, plus what it needs to observe the
// trigger: a group-filtered `stream` trigger must get room-1's events and never room-2's.
import { registerWorker, TriggerAction } from 'iii-sdk'
import { emit, deferred, deadline } from './lib.mjs'

deadline()
const iii = registerWorker(process.argv[2])

iii.trigger({
  function_id: 'stream::set',
  payload: {
    stream_name: 'presence',
    group_id: 'room-1',
    item_id: 'user-123',
    data: { name: 'Alice', online: true },
  },
  action: TriggerAction.Void(),
})

const user = await iii.trigger({
  function_id: 'stream::get',
  payload: { stream_name: 'presence', group_id: 'room-1', item_id: 'user-123' },
})
emit('user', { user })

const filtered = []
const room1 = deferred()
iii.registerFunction('presence::on-change', async (event) => {
  filtered.push(event)
  if (event.groupId === 'room-1') room1.resolve()
  return null
})
iii.registerTrigger({
  type: 'stream',
  function_id: 'presence::on-change',
  config: { stream_name: 'presence', group_id: 'room-1' },
})

// an unfiltered trigger registered after the filtered one: once it has seen room-2's event, the
// filtered one would have been sent room-2's event before it (same group lane, same connection)
const room2 = deferred()
iii.registerFunction('presence::any', async (event) => {
  if (event.groupId === 'room-2') room2.resolve()
  return null
})
iii.registerTrigger({
  type: 'stream',
  function_id: 'presence::any',
  config: { stream_name: 'presence' },
})

// registrations are answered in order before calls queued after them: these writes fire both
await iii.trigger({
  function_id: 'stream::set',
  payload: { stream_name: 'presence', group_id: 'room-2', item_id: 'user-9', data: { name: 'Bob' } },
})
await iii.trigger({
  function_id: 'stream::set',
  payload: {
    stream_name: 'presence',
    group_id: 'room-1',
    item_id: 'user-123',
    data: { name: 'Alice', online: false },
  },
})
await Promise.all([room1.promise, room2.promise])
emit('events', { filtered })
await iii.shutdown()
emit('done')
process.exit(0)
