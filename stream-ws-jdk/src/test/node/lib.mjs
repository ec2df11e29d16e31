// Shared by the scenarios IiiWorkersIT runs: one result line per event, prefixed with '@' so the
// SDK's own console output (it logs to stdout too) never gets in the way.
export function emit(event, data = {}) {
  process.stdout.write('@' + JSON.stringify({ event, ...data }) + '\n')
}

// Resolves once the test closes our stdin (the IT's way of saying "stop now").
export function stdinClosed() {
  return new Promise((resolve) => {
    process.stdin.on('end', resolve)
    process.stdin.on('close', resolve)
    process.stdin.resume()
  })
}

// A promise with its resolve function, for waiting on a trigger without sleeping.
export function deferred() {
  let resolve
  const promise = new Promise((r) => (resolve = r))
  return { promise, resolve }
}

export function fail(message) {
  emit('failed', { message })
  process.exit(1)
}

// Bounds every scenario: a hang becomes a failure with a message instead of a stuck build.
export function deadline(ms = 60000) {
  const t = setTimeout(() => fail(`scenario did not finish within ${ms} ms`), ms)
  t.unref()
}
