import type { EngagementAction } from './engagement';

/** Why a product is recommended, before it is put in words. */
export type RecommendationReason =
  | {
      readonly kind: 'related';
      /** The product of the profile's own history the recommendation comes from. */
      readonly sourceName: string;
      readonly action: EngagementAction;
      /** Whether profiles bought both (else they were only viewed or carted together). */
      readonly boughtTogether: boolean;
    }
  | { readonly kind: 'lookalikes'; readonly profiles: number }
  | { readonly kind: 'popular-in'; readonly category: string }
  | { readonly kind: 'popular' }
  | { readonly kind: 'no-consent' };

/** The reason in words a marketer can read, e.g. "bought together with Trail Shoe X you viewed". */
export function reasonText(reason: RecommendationReason): string {
  switch (reason.kind) {
    case 'related':
      return `${reason.boughtTogether ? 'bought' : 'viewed'} together with ${reason.sourceName} you ${reason.action}`;
    case 'lookalikes':
      return `bought by ${reason.profiles} profile${reason.profiles === 1 ? '' : 's'} like you`;
    case 'popular-in':
      return `popular in ${reason.category}`;
    case 'popular':
      return 'popular overall';
    case 'no-consent':
      return 'popular overall (this profile does not allow personalised recommendations)';
  }
}
