// Seeds 1001–1500 of the CI's 2,000 (four files, so Jest's workers share them).
import { describeSeeds } from './sim-seeds';

describeSeeds(1001, 500);
