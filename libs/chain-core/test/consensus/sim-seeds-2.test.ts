// Seeds 501–1000 of the CI's 2,000 (four files, so Jest's workers share them).
import { describeSeeds } from './sim-seeds';

describeSeeds(501, 500);
