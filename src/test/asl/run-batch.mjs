// Runs the template's batch state machine with an independent ASL interpreter (aws-local-stepfunctions), after
// validating it with asl-validator. Used by StateMachineTest; see its javadoc.
//
//   node run-batch.mjs <definition.json> <input.json> <listing.json> <lambda base URL>
//
// The interpreter runs INLINE maps only, so the DISTRIBUTED map is emulated the way AWS runs it: its ItemReader's
// result is <listing.json> (a real ListObjectsV2 of the test bucket, in the ItemReader's item shape), its
// ItemSelector is evaluated by the interpreter (an INLINE map with the same selector, so $$.Map.Item.Index and
// .Value are the interpreter's), items are grouped by its ItemBatcher into {"Items", "BatchInput"}, and each group
// runs as a child execution of its ItemProcessor. Every Lambda task POSTs its payload to <lambda base URL>/<name>,
// where the test runs the real handler; a Lambda error becomes a task error named by its errorType, so the
// definition's Retry and Catch match it as on AWS.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

if (!Promise.withResolvers) {
  // Node 20 lacks it; aws-local-stepfunctions 3 uses it.
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
const { StateMachine } = await import('aws-local-stepfunctions');
const aslValidator = createRequire(import.meta.url)('asl-validator');

const [definitionFile, inputFile, listingFile, lambdaUrl] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(definitionFile, 'utf8'));
const input = JSON.parse(readFileSync(inputFile, 'utf8'));
const listing = JSON.parse(readFileSync(listingFile, 'utf8'));
const options = { validationOptions: { checkArn: false } };
const calls = [];
const chunkResults = [];

const validation = aslValidator(definition);
if (!validation.isValid) {
  console.log(JSON.stringify({ status: 'INVALID', errors: validation.errorsText('\n') }));
  process.exit(0);
}

/** Task handlers, and no real waiting between retries (the retries themselves still happen). */
function overrides(states) {
  const retryIntervalOverrides = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Retry) {
      retryIntervalOverrides[name] = 0;
    }
  }
  return { taskResourceLocalHandlers: taskHandlers(states), retryIntervalOverrides };
}

function lambda(name) {
  return async (taskInput) => {
    const payload = taskInput.Payload ?? taskInput;
    calls.push(name);
    const response = await fetch(`${lambdaUrl}/${name}`, { method: 'POST', body: JSON.stringify(payload) });
    const body = await response.json();
    if (response.headers.get('x-amz-function-error')) {
      const error = new Error(body.errorMessage);
      error.name = body.errorType;
      throw error;
    }
    // lambda:invoke's result shape: the function's output under Payload (the definition's OutputPath picks it).
    return { StatusCode: 200, Payload: body };
  };
}

/** The Lambda task states of a States object, each mapped to the function its FunctionName names. */
function taskHandlers(states) {
  const handlers = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource === 'arn:aws:states:::lambda:invoke') {
      handlers[name] = lambda(state.Parameters.FunctionName.includes('Commit') ? 'commit' : 'transfer');
    }
  }
  return handlers;
}

async function evaluate(template, mapInput, items) {
  // The selector, evaluated by the interpreter itself inside an INLINE map over the listed items.
  const selector = new StateMachine({
    StartAt: 'Select',
    States: {
      Select: {
        Type: 'Map', ItemsPath: '$.__listing', End: true,
        ...(template.ItemSelector ? { ItemSelector: template.ItemSelector } : {}),
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Keep', States: { Keep: { Type: 'Pass', End: true } } },
      },
    },
  }, options);
  const selected = await selector.run({ ...mapInput, __listing: items }).result;
  const batchInput = template.ItemBatcher.BatchInput
    ? await new StateMachine({ StartAt: 'B', States: { B: { Type: 'Pass', Parameters: template.ItemBatcher.BatchInput, End: true } } }, options)
        .run(mapInput).result
    : undefined;
  const size = template.ItemBatcher.MaxItemsPerBatch;
  const batches = [];
  for (let i = 0; i < selected.length; i += size) {
    batches.push({ Items: selected.slice(i, i + size), ...(batchInput ? { BatchInput: batchInput } : {}) });
  }
  return batches;
}

function distributedMap(name, template) {
  return async (mapInput) => {
    const children = await evaluate(template, mapInput, listing);
    const child = { StartAt: template.ItemProcessor.StartAt, States: template.ItemProcessor.States };
    const machine = new StateMachine(child, options);
    const results = [];
    let failed = 0;
    // One at a time: the order of the function calls is then the order of the listing (MaxConcurrency > 1 on AWS).
    for (const childInput of children) {
      try {
        results.push(await machine.run(childInput, { overrides: overrides(child.States) }).result);
      } catch (e) {
        failed++;
        const cause = e.cause ?? e;
        results.push({ Error: cause.name, Cause: cause.message });
      }
    }
    chunkResults.push(...results);
    if (failed * 100 > (template.ToleratedFailurePercentage ?? 0) * children.length) {
      const error = new Error(`${failed} of ${children.length} child executions failed`);
      error.name = 'States.ExceedToleratedFailureThreshold';
      throw error;
    }
    return results;
  };
}

// The outer machine with each DISTRIBUTED map replaced by a Task of the same name, Next, ResultPath and Catch,
// whose local handler runs the map as above.
const outer = structuredClone(definition);
const handlers = taskHandlers(outer.States);
const children = {};
for (const [name, state] of Object.entries(outer.States)) {
  if (state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
    children[name] = state;
    const { ItemReader, ItemSelector, ItemBatcher, ItemProcessor, MaxConcurrency, ToleratedFailurePercentage, ...rest } = state;
    outer.States[name] = { ...rest, Type: 'Task', TimeoutSeconds: 3600,
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:distributed-map' };
    handlers[name] = distributedMap(name, state);
  }
}
try {
  const output = await new StateMachine(outer, options).run(input, { overrides: { ...overrides(outer.States), taskResourceLocalHandlers: handlers } }).result;
  console.log(JSON.stringify({ status: 'SUCCEEDED', output, calls, chunks: chunkResults }));
} catch (e) {
  const cause = e.cause ?? e;
  console.log(JSON.stringify({ status: 'FAILED', error: cause.name, cause: cause.message, calls, chunks: chunkResults }));
}
