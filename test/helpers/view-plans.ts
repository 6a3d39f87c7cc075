import type { ViewPlan } from '../../src/profiles/profile-view';

/** Every kind of record read lean. */
export const LEAN_RECORDS: ViewPlan['whole'] = {
  profile: false,
  identifiers: false,
  tags: false,
  segments: false,
};

/** The read benchmark's plan: every part lean, one first page of 20 interactions with their products. */
export const TYPICAL_VIEW_PLAN: ViewPlan = {
  whole: LEAN_RECORDS,
  identifiers: true,
  tags: true,
  segments: true,
  segmentSize: false,
  interactions: { first: 20, after: null, count: false, products: true, properties: false },
};
