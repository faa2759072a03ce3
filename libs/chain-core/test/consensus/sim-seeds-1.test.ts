// Seeds 1–500 of the CI's 2,000 (four files, so Jest's workers share them).
import { describeSeeds } from './sim-seeds';

describeSeeds(1, 500);
