/** The list query rules on their own: defaults, empty values, repeated and comma-separated tags. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIST_QUERY, parseListQuery } from '../src/catalog/list-query.js';

describe('catalog list query', () => {
  it('fills the defaults', () => {
    assert.deepEqual(parseListQuery({}, 'tagged'), {
      ...DEFAULT_LIST_QUERY,
      title: undefined,
      tags: undefined,
    });
    assert.deepEqual(parseListQuery(undefined, 'untagged'), {
      ...DEFAULT_LIST_QUERY,
      title: undefined,
      tags: undefined,
    });
  });

  it('reads every parameter', () => {
    const query = {
      page: '3',
      pageSize: '100',
      sort_by: 'title',
      order_by: 'asc',
      title: 'Milk',
      tag: ['a,b', 'c', 'a'],
      tag_match_mode: 'all',
    };
    assert.deepEqual(parseListQuery(query, 'tagged'), {
      page: 3,
      pageSize: 100,
      sortBy: 'title',
      order: 'asc',
      title: 'Milk',
      tags: ['a', 'b', 'c'],
      tagMatch: 'all',
    });
  });

  it('treats an empty value as absent', () => {
    assert.deepEqual(parseListQuery({ page: '', title: '', tag: ['', ','] }, 'tagged'), {
      ...DEFAULT_LIST_QUERY,
      title: undefined,
      tags: undefined,
    });
  });

  it('refuses tag filters where there are no tags', () => {
    assert.throws(() => parseListQuery({ tag_match_mode: 'all' }, 'untagged'), {
      message:
        'tag_match_mode: unknown parameter; accepted: page, pageSize, sort_by, order_by, title',
    });
  });
});
