/**
 * A fake training loop, tracked with Sightline's Run API. Start the collector (`npm start`), then:
 *
 *   npm run example:train
 *
 * and look at the runs: curl http://127.0.0.1:4318/api/runs
 *
 * Three runs of one experiment with different learning rates: loss and accuracy for the train and
 * val subsets at every step, a histogram of the weights per epoch, logs, and a span per epoch.
 */
import { trace } from "@opentelemetry/api";
import { register, Run } from "../index.ts";

const sdk = register({ serviceName: "mnist-trainer" });
const tracer = trace.getTracer("example-trainer");

const EPOCHS = 5;
const STEPS_PER_EPOCH = 200;

async function train(lr: number, seed: number): Promise<string> {
  const run = new Run({
    experiment: "mnist",
    name: `lr-sweep-${lr}`,
    hparams: { lr, batch_size: 64, optimizer: { name: "adam", betas: [0.9, 0.999] } },
    tags: ["example", lr >= 1e-3 ? "high-lr" : "low-lr"],
  });
  run.set(["hparams", "dropout"], 0.1);
  const random = mulberry32(seed);
  let weights = Array.from({ length: 1000 }, () => random() * 2 - 1);
  try {
    await run.with(async () => {
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        await tracer.startActiveSpan(`epoch ${epoch}`, async (span) => {
          for (let i = 0; i < STEPS_PER_EPOCH; i++) {
            const step = epoch * STEPS_PER_EPOCH + i;
            const progress = step / (EPOCHS * STEPS_PER_EPOCH);
            const loss = 2.3 * Math.exp(-progress * lr * 3000) + 0.05 * random();
            run.track(loss, { name: "loss", step, epoch, context: { subset: "train" } });
            run.track(1 - loss / 2.5, { name: "accuracy", step, epoch, context: { subset: "train" } });
          }
          const val = 2.3 * Math.exp(-((epoch + 1) / EPOCHS) * lr * 3000) + 0.08;
          const step = (epoch + 1) * STEPS_PER_EPOCH - 1;
          run.track(val, { name: "loss", step, epoch, context: { subset: "val" } });
          run.track(1 - val / 2.5, { name: "accuracy", step, epoch, context: { subset: "val" } });
          weights = weights.map((w) => w * (1 - lr * 10) + (random() - 0.5) * 0.01);
          run.trackDistribution(weights, { name: "weights", step, epoch, context: { layer: "dense_1" } });
          run.log.info(`epoch ${epoch} done`, { epoch, "val.loss": val });
          span.setAttribute("val.loss", val);
          span.end();
        });
      }
    });
    await run.close();
  } catch (err) {
    await run.fail(err);
    throw err;
  }
  return run.runId;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = await Promise.all([train(3e-4, 1), train(1e-3, 2), train(3e-3, 3)]);
await sdk.shutdown();
const base = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://127.0.0.1:4318";
console.log(`tracked ${ids.length} runs:`);
for (const id of ids) console.log(`  ${base}/api/runs/${id}`);
