// Many random seeds through the simulator (DESIGN.md §4: thousands per CI run). Each seed
// picks its network (delays, drops, duplicates, partitions, GST), up to f Byzantine
// validators (silent, twins, vote-for-everything, bad signatures, equivocating or forking
// leaders), honest crash-restarts (some right after a safety write) and sometimes a
// validator-set change; n cycles through 4, 7 and 10. A failing seed is named with the
// command that replays it.
import { type Behaviour, SIZES, randomScenario } from '../../sim/scenario';
import { simulate } from '../../sim/simulator';

const CHUNK = 50;

export function describeSeeds(from: number, count: number): void {
  describe(`simulator seeds ${from}–${from + count - 1}`, () => {
    const sizes = new Set<number>();
    const behaviours = new Set<Behaviour>();
    const totals = { commits: 0, viewChanges: 0, epochChanges: 0, evidence: 0, crashes: 0 };

    for (let start = from; start < from + count; start += CHUNK) {
      const end = Math.min(start + CHUNK, from + count);
      it(`seeds ${start}–${end - 1} keep agreement, validity and liveness`, () => {
        const failures: string[] = [];
        for (let seed = start; seed < end; seed++) {
          const result = simulate(randomScenario(seed, SIZES[seed % SIZES.length]));
          sizes.add(result.scenario.n);
          result.scenario.behaviours.forEach((b) => behaviours.add(b));
          totals.commits += result.commits;
          totals.viewChanges += result.viewChanges;
          totals.epochChanges += result.epochs - 1;
          totals.evidence += result.evidence;
          totals.crashes += result.scenario.crashes.length;
          for (const v of result.violations) {
            failures.push(
              `seed ${seed} (n=${result.scenario.n}) ${v.kind} at ${v.atMs} ms: ${v.message.split('\n')[0]} — replay: npm run sim -- --seed ${seed} --n ${result.scenario.n}`,
            );
          }
        }
        expect(failures).toEqual([]);
      });
    }

    it('covered every size, every fault and made progress', () => {
      expect([...sizes].sort()).toEqual([10, 4, 7]);
      for (const b of ['silent', 'twin', 'vote-all', 'bad-signatures', 'equivocate', 'fork']) {
        expect([...behaviours]).toContain(b);
      }
      expect(totals.commits).toBeGreaterThan(5 * count);
      expect(totals.viewChanges).toBeGreaterThan(count);
      expect(totals.epochChanges).toBeGreaterThan(count / 10);
      expect(totals.evidence).toBeGreaterThan(0);
      expect(totals.crashes).toBeGreaterThan(count / 2);
    });
  });
}
