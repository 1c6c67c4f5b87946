/** The attribute names of the Sightline conventions (docs/mapping.md). */
export const ATTR = {
  project: "sightline.project",
  runId: "sightline.run.id",
  runName: "sightline.run.name",
  experiment: "sightline.experiment",
  runTags: "sightline.run.tags",
  runStatus: "sightline.run.status",
  runDescription: "sightline.run.description",
  hparams: "sightline.hparams",
  hparamsPrefix: "sightline.hparams.",
  step: "sightline.step",
  epoch: "sightline.epoch",
} as const;
