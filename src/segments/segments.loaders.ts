import DataLoader from 'dataloader';
import type { Segment } from './segment.type';
import type { SegmentsRepository } from './segments.repository';

export interface SegmentLoaders {
  segment: DataLoader<string, Segment | null>;
  segmentsOfProfile: DataLoader<string, string[]>;
  size: DataLoader<string, number>;
}

export function createSegmentLoaders(repository: SegmentsRepository): SegmentLoaders {
  return {
    segment: new DataLoader((ids) => repository.byIds(ids)),
    segmentsOfProfile: new DataLoader((ids) => repository.segmentsOf(ids)),
    size: new DataLoader((ids) => repository.sizes(ids)),
  };
}
