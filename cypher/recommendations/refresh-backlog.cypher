// Whether any product waits for the related-products refresh (dirty or pending).
// params: none
RETURN EXISTS { MATCH (prod:Product) WHERE prod.relatedDirty = true } OR
  EXISTS { MATCH (prod:Product) WHERE prod.relatedPending = true } AS waiting
