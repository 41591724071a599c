import { describe, expect, it } from 'vitest';
import { ActionError, runFlow, type FlowDefinition, type InterpreterDeps } from '../../runner/zis/interpreter.ts';

/** A virtual clock: sleeping advances it, so waits and time limits run instantly. */
function harness(actions: Record<string, (params: unknown) => unknown> = {}, limits?: InterpreterDeps['limits']) {
  let now = 0;
  const calls: { name: string; params: unknown; timeoutMs: number }[] = [];
  const slept: number[] = [];
  const deps: InterpreterDeps = {
    now: () => now,
    sleep: async (ms) => { slept.push(ms); now += ms; },
    callAction: async (name, params, call) => {
      calls.push({ name, params, timeoutMs: call.timeoutMs });
      const action = actions[name];
      if (!action) throw new ActionError('States.TaskFailed', `no action ${name}`);
      return action(params);
    },
    ...(limits ? { limits } : {}),
  };
  return { deps, calls, slept, advance: (ms: number) => { now += ms; } };
}

const flow = (StartAt: string, States: FlowDefinition['States']): FlowDefinition => ({ StartAt, States });
const input = { input: { ticket_event: { ticket: { id: 7, subject: 'Printer on fire', priority: 'high', tags: ['vip'] } } } };

describe('states', () => {
  it('Action: Parameters with .$ keys and {{}} placeholders, ResultPath into the data, then Succeed with its Message', async () => {
    const h = harness({ 'zis:demo:action:post': (p) => ({ echoed: p }) });
    const out = await runFlow(flow('Post', {
      Post: {
        Type: 'Action', ActionName: 'zis:demo:action:post',
        Parameters: { 'id.$': '$.input.ticket_event.ticket.id', text: 'Ticket #{{$.input.ticket_event.ticket.id}}: {{$.input.ticket_event.ticket.subject}}', fixed: 1 },
        ResultPath: '$.post', Next: 'Done',
      },
      Done: { Type: 'Succeed', Message: 'Posted ticket {{$.input.ticket_event.ticket.id}}' },
    }), input, h.deps);
    expect(h.calls[0]!.params).toEqual({ id: 7, text: 'Ticket #7: Printer on fire', fixed: 1 });
    expect(out).toMatchObject({ status: 'succeeded', message: 'Posted ticket 7', output: { ...input, post: { echoed: { id: 7, text: 'Ticket #7: Printer on fire', fixed: 1 } } } });
  });

  it('ResultPath defaults to $: the result replaces all the data', async () => {
    const h = harness({ a: () => ({ only: 'this' }) });
    const out = await runFlow(flow('A', {
      A: { Type: 'Action', ActionName: 'a', Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.input', IsPresent: true, Next: 'Kept' }], Default: 'Replaced' },
      Kept: { Type: 'Fail', Cause: 'input survived' },
      Replaced: { Type: 'Succeed' },
    }), input, h.deps);
    expect(out).toMatchObject({ status: 'succeeded', message: 'Execution Successful', output: { only: 'this' } });
  });

  it('Pass: Result at ResultPath; null ResultPath keeps the data; End without Succeed is a success', async () => {
    const out = await runFlow(flow('P1', {
      P1: { Type: 'Pass', Result: { a: 1 }, ResultPath: '$.x.y', Next: 'P2' },
      P2: { Type: 'Pass', Result: 'ignored', ResultPath: null, End: true },
    }), { k: 1 }, harness().deps);
    expect(out).toMatchObject({ status: 'succeeded', message: 'Execution Successful', output: { k: 1, x: { y: { a: 1 } } } });
  });

  it('Fail: ends with its Error and Cause', async () => {
    const out = await runFlow(flow('F', { F: { Type: 'Fail', Error: 'Custom.NoTicket', Cause: 'Ticket {{$.input.ticket_event.ticket.id}} has no email' } }), input, harness().deps);
    expect(out).toMatchObject({ status: 'failed', error: 'Custom.NoTicket', cause: 'Ticket 7 has no email' });
  });

  it('Wait: sleeps Seconds or SecondsPath', async () => {
    const h = harness();
    const out = await runFlow(flow('W1', {
      W1: { Type: 'Wait', Seconds: 2, Next: 'W2' },
      W2: { Type: 'Wait', SecondsPath: '$.delay', End: true },
    }), { delay: 3 }, h.deps);
    expect(out.status).toBe('succeeded');
    expect(h.slept).toEqual([2000, 3000]);
  });

  it('Map: runs the Iterator once per item and collects the results in order', async () => {
    const h = harness({ double: (p) => (p as { n: number }).n * 2 });
    const out = await runFlow(flow('M', {
      M: {
        Type: 'Map', ItemsPath: '$.items', ResultPath: '$.doubled', End: true,
        Iterator: flow('D', { D: { Type: 'Action', ActionName: 'double', Parameters: { 'n.$': '$.n' }, End: true } }),
      },
    }), { items: [{ n: 1 }, { n: 2 }, { n: 3 }] }, h.deps);
    expect(out).toMatchObject({ status: 'succeeded', output: { doubled: [2, 4, 6] } });
  });
  it('Map: an iteration ending in Fail fails the Map, and the Map\'s Catch handles it', async () => {
    const out = await runFlow(flow('M', {
      M: {
        Type: 'Map', ItemsPath: '$.items', ResultPath: '$.r', Next: 'Ok',
        Iterator: flow('Check', {
          Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Fine' }], Default: 'Bad' },
          Fine: { Type: 'Succeed' },
          Bad: { Type: 'Fail', Error: 'Item.Bad', Cause: 'item {{$.id}} is bad' },
        }),
        Catch: [{ ErrorEquals: ['Item.Bad'], ResultPath: '$.failure', Next: 'Handled' }],
      },
      Ok: { Type: 'Succeed', Message: 'all fine' },
      Handled: { Type: 'Succeed', Message: 'caught: {{$.failure.Cause}}' },
    }), { items: [{ id: 1, ok: true }, { id: 2, ok: false }] }, harness().deps);
    expect(out).toMatchObject({ status: 'succeeded', message: 'caught: item 2 is bad' });
  });
});

describe('Choice', () => {
  const decide = (rule: Record<string, unknown>, data: unknown) => runFlow(flow('C', {
    C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
    Yes: { Type: 'Succeed', Message: 'yes' },
    No: { Type: 'Succeed', Message: 'no' },
  }), data, harness().deps).then((o) => (o.status === 'succeeded' ? o.message : o.cause));

  it.each([
    [{ Variable: '$.s', StringEquals: 'high' }, 'yes'],
    [{ Variable: '$.s', StringEquals: 'low' }, 'no'],
    [{ Variable: '$.n', NumericEquals: 5 }, 'yes'],
    [{ Variable: '$.n', NumericLessThan: 5 }, 'no'],
    [{ Variable: '$.n', NumericLessThanEquals: 5 }, 'yes'],
    [{ Variable: '$.n', NumericGreaterThan: 4 }, 'yes'],
    [{ Variable: '$.n', NumericGreaterThanEquals: 6 }, 'no'],
    [{ Variable: '$.b', BooleanEquals: false }, 'yes'],
    [{ Variable: '$.missing', IsPresent: true }, 'no'],
    [{ Variable: '$.missing', IsPresent: false }, 'yes'],
    [{ Variable: '$.s', NumericEquals: 5 }, 'no'],
    [{ And: [{ Variable: '$.n', NumericGreaterThan: 1 }, { Variable: '$.s', StringEquals: 'high' }] }, 'yes'],
    [{ And: [{ Variable: '$.n', NumericGreaterThan: 1 }, { Variable: '$.s', StringEquals: 'low' }] }, 'no'],
    [{ Or: [{ Variable: '$.n', NumericEquals: 1 }, { Variable: '$.b', BooleanEquals: false }] }, 'yes'],
    [{ Not: { Variable: '$.s', StringEquals: 'high' } }, 'no'],
  ])('%j → %s', async (rule, expected) => {
    expect(await decide(rule, { s: 'high', n: 5, b: false })).toBe(expected);
  });

  it('fails clearly when nothing matches and there is no Default', async () => {
    const out = await runFlow(flow('C', { C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'C' }] } }), { n: 2 }, harness().deps);
    expect(out).toMatchObject({ status: 'failed', error: 'States.NoChoiceMatched', cause: 'No choice of the Choice state "C" matched and it has no Default' });
  });
});

describe('Catch and Retry', () => {
  it('Retry on States.ALL tries again after IntervalSeconds × BackoffRate^n, then succeeds', async () => {
    let n = 0;
    const h = harness({ flaky: () => { if (++n < 3) throw new Error('503 from the remote'); return 'ok'; } });
    const out = await runFlow(flow('A', {
      A: { Type: 'Action', ActionName: 'flaky', Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }], End: true },
    }), {}, h.deps);
    expect(out).toMatchObject({ status: 'succeeded', output: 'ok' });
    expect(h.slept).toEqual([1000, 2000]);
  });

  it('Retry gives up after MaxAttempts; Catch on States.ALL then routes to its Next with Error and Cause at its ResultPath', async () => {
    const h = harness({ broken: () => { throw new Error('POST https://hooks.example.com/x answered 500'); } });
    const out = await runFlow(flow('A', {
      A: {
        Type: 'Action', ActionName: 'broken', Next: 'Ok',
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled', ResultPath: '$.error' }],
      },
      Ok: { Type: 'Succeed' },
      Handled: { Type: 'Fail', Error: 'Handled', Cause: 'Could not post: {{$.error.Cause}}' },
    }), { keep: true }, h.deps);
    expect(h.calls).toHaveLength(3);
    expect(out).toMatchObject({ status: 'failed', error: 'Handled', cause: 'Could not post: POST https://hooks.example.com/x answered 500' });
  });

  it('an error no Catch matches ends the flow with the action\'s cause', async () => {
    const h = harness({ broken: () => { throw new ActionError('Custom.Thing', 'it broke'); } });
    const out = await runFlow(flow('A', {
      A: { Type: 'Action', ActionName: 'broken', Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'B' }], End: true },
      B: { Type: 'Succeed' },
    }), {}, h.deps);
    expect(out).toMatchObject({ status: 'failed', error: 'Custom.Thing', cause: 'it broke' });
  });
});

describe('limits', () => {
  it('stops after 250 transitions', async () => {
    const out = await runFlow(flow('A', { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }), {}, harness().deps);
    expect(out).toMatchObject({ status: 'failed', error: 'States.TransitionLimitExceeded', transitions: 251 });
    expect((out as { cause: string }).cause).toMatch(/more than 250 state transitions/);
  });

  it('refuses a Map of more than 100 items, even with a Catch', async () => {
    const out = await runFlow(flow('M', {
      M: { Type: 'Map', ItemsPath: '$.items', Iterator: flow('P', { P: { Type: 'Pass', End: true } }), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S' }], End: true },
      S: { Type: 'Succeed' },
    }), { items: Array.from({ length: 101 }, (_, i) => i) }, harness().deps);
    expect(out).toMatchObject({ status: 'failed', error: 'States.MapLimitExceeded', cause: 'The Map state "M" has 101 items; a Map may process at most 100' });
    const ok = await runFlow(flow('M', { M: { Type: 'Map', Iterator: flow('P', { P: { Type: 'Pass', End: true } }), End: true } }), Array.from({ length: 100 }, (_, i) => i), harness().deps);
    expect(ok.status).toBe('succeeded');
  });

  it('ends a flow that would run past 100 seconds', async () => {
    const h = harness();
    const out = await runFlow(flow('W', { W: { Type: 'Wait', Seconds: 60, Next: 'W2' }, W2: { Type: 'Wait', Seconds: 60, End: true } }), {}, h.deps);
    expect(out).toMatchObject({ status: 'failed', error: 'States.Timeout', cause: 'A Wait of 60 s would take the flow past its limit of 100 seconds' });
    expect(h.slept).toEqual([60000]);
  });

  it('gives an action only the time the flow has left, and stops when an action overran it', async () => {
    const h = harness({ slow: () => { h.advance(70_000); return 1; } });
    const out = await runFlow(flow('A', { A: { Type: 'Action', ActionName: 'slow', Next: 'B' }, B: { Type: 'Action', ActionName: 'slow', Next: 'C' }, C: { Type: 'Succeed' } }), {}, h.deps);
    expect(h.calls.map((c) => c.timeoutMs)).toEqual([100_000, 30_000]);
    expect(out).toMatchObject({ status: 'failed', error: 'States.Timeout', cause: 'The flow ran longer than its limit of 100 seconds' });
  });
});
