import { applyVariant, parseScenario, parseVary, runScenario, summarizeRun, variantLabel, type ScenarioFile, type SeedSummary, type Variation } from "@ksim/scenario";
import { bundledUrl } from "@ksim/kube";

/** What every run of a sweep or comparison shares: the scenario, and what to vary in it. */
export interface JobSetup {
  readonly fileText: string;
  readonly fileName: string;
  /** `--vary` as given; undefined for a sweep. */
  readonly vary?: string;
}

/** One run: a seed, and for a comparison the value of the varied field. */
export interface Job {
  readonly seed: number;
  readonly value?: string;
}

/** Runs jobs of one setup, parsing the scenario once and each variant of it once. */
export class JobRunner {
  private readonly base: ScenarioFile;
  private readonly variation: Variation | undefined;
  private readonly variants = new Map<string, ScenarioFile>();

  constructor(setup: JobSetup) {
    this.base = parseScenario(setup.fileText, setup.fileName);
    this.variation = setup.vary === undefined ? undefined : parseVary(setup.vary);
  }

  run(job: Job): SeedSummary {
    if (job.value === undefined || this.variation === undefined) return summarizeRun(runScenario(this.base, { seed: job.seed }), job.seed);
    const file = this.variant(this.variation, job.value);
    return summarizeRun(runScenario(file, { seed: job.seed }), job.seed, variantLabel(this.variation, job.value));
  }

  private variant(variation: Variation, value: string): ScenarioFile {
    let file = this.variants.get(value);
    if (file === undefined) {
      file = applyVariant(this.base, variation, value, bundledUrl);
      this.variants.set(value, file);
    }
    return file;
  }
}
