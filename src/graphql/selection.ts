import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from "graphql";

/**
 * The fields a client selected under a resolver's field, by response path of field names (e.g.
 * `["edges", "node"]`), with fragments flattened. Type conditions and @skip/@include are not
 * evaluated: a field that might be selected counts as selected, so a read never fetches less
 * than it needs. Used to push a selection down into SQL (projection).
 */
export class Selection {
  private constructor(readonly fields: Map<string, FieldNode[]>, private readonly fragments: Record<string, FragmentDefinitionNode>) {}

  static of(info: GraphQLResolveInfo): Selection {
    return new Selection(new Map([[info.fieldName, [...info.fieldNodes]]]), info.fragments).at(info.fieldName);
  }

  /** The selection under one of these fields (merged over every node selecting it). */
  at(...path: string[]): Selection {
    let current: Selection = this;
    for (const name of path) {
      const merged = new Map<string, FieldNode[]>();
      for (const node of current.fields.get(name) ?? []) if (node.selectionSet) collect(node.selectionSet, current.fragments, merged, new Set());
      current = new Selection(merged, this.fragments);
    }
    return current;
  }

  has(name: string): boolean {
    return this.fields.has(name);
  }

  names(): string[] {
    return [...this.fields.keys()];
  }
}

function collect(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, out: Map<string, FieldNode[]>, seen: Set<string>): void {
  for (const selection of set.selections) {
    if (selection.kind === "Field") {
      const list = out.get(selection.name.value);
      if (list) list.push(selection);
      else out.set(selection.name.value, [selection]);
    } else if (selection.kind === "InlineFragment") {
      collect(selection.selectionSet, fragments, out, seen);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (fragment && !seen.has(name)) {
        seen.add(name);
        collect(fragment.selectionSet, fragments, out, seen);
      }
    }
  }
}
