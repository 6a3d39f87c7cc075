import { decodeCursor, encodeCursor, toPage } from '../../src/common/connection';

describe('toPage', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('keeps `first` rows and says from the extra row that another page follows', () => {
    const page = toPage(rows, 2, 10, (row) => encodeCursor({ id: row.id }));
    expect(page.edges.map((edge) => edge.node.id)).toEqual(['a', 'b']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(10);
    expect(toPage(rows, 3, 3, () => '').pageInfo.hasNextPage).toBe(false);
  });

  it('encodes a cursor only when it is read, and the end cursor is the last edge', () => {
    const encoded: string[] = [];
    const page = toPage(rows, 2, 3, (row) => {
      encoded.push(row.id);
      return encodeCursor({ id: row.id });
    });
    expect(encoded).toEqual([]);
    expect(decodeCursor<{ id: string }>(page.edges[0]!.cursor, { id: 'string' })).toEqual({ id: 'a' });
    expect(page.pageInfo.endCursor).toBe(page.edges[1]!.cursor);
    expect(encoded).toEqual(['a', 'b', 'b']);
    expect(toPage([], 2, 0, () => 'x').pageInfo.endCursor).toBeNull();
  });
});
