import {
  GraphQLError, Kind, getNamedType, type ASTVisitor, type FieldNode, type FragmentDefinitionNode,
  type SelectionSetNode, type ValidationContext, type ValidationRule, type GraphQLField, type GraphQLOutputType,
} from 'graphql';

/**
 * Abuse limits for every GraphQL document, over HTTP and WebSocket alike:
 * - tokens per document (graphql-js `maxTokens`, applied at parse time);
 * - selection depth (fragments followed, cycles refused by the standard rules first);
 * - aliases per document (alias-based amplification);
 * - cost: each field costs 1, times the page size (`first`/`last`, default 20; a variable counts as
 *   the 100 cap) of every enclosing paginated or connection field, so `a(first:100){b(first:100){c}}`
 *   costs about 10,000. Unpaginated lists in this schema are small and bounded (keys, ids ≤ 100).
 */
export const LIMITS = { maxTokens: 5_000, maxDepth: 12, maxAliases: 30, maxCost: 10_000 } as const;

function err(message: string, reason: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason } });
}

function fragmentsOf(ctx: ValidationContext): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of ctx.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

function depthOf(set: SelectionSetNode | undefined, frags: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) max = Math.max(max, sel.name.value.startsWith('__') ? 0 : 1 + depthOf(sel.selectionSet, frags, seen));
    else if (sel.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, depthOf(sel.selectionSet, frags, seen));
    else if (!seen.has(sel.name.value)) {
      const f = frags.get(sel.name.value);
      if (f) max = Math.max(max, depthOf(f.selectionSet, frags, new Set([...seen, sel.name.value])));
    }
  }
  return max;
}

export const maxDepthRule: ValidationRule = (ctx): ASTVisitor => ({
  OperationDefinition(node) {
    const depth = depthOf(node.selectionSet, fragmentsOf(ctx), new Set());
    if (depth > LIMITS.maxDepth) ctx.reportError(err(`query depth ${depth} exceeds the limit of ${LIMITS.maxDepth}`, 'MAX_DEPTH'));
  },
});

export const maxAliasesRule: ValidationRule = (ctx): ASTVisitor => {
  let aliases = 0;
  return {
    Field(node: FieldNode) {
      if (node.alias) aliases++;
    },
    Document: {
      leave() {
        if (aliases > LIMITS.maxAliases) ctx.reportError(err(`the document uses ${aliases} aliases; the limit is ${LIMITS.maxAliases}`, 'MAX_ALIASES'));
      },
    },
  };
};

function pageSize(node: FieldNode, variables: Record<string, unknown>): number {
  for (const a of node.arguments ?? []) {
    if (a.name.value !== 'first' && a.name.value !== 'last') continue;
    if (a.value.kind === Kind.INT) return Number(a.value.value);
    if (a.value.kind === Kind.VARIABLE) {
      const v = variables[a.value.name.value];
      if (typeof v === 'number') return v;
    }
  }
  return 20;
}

/** Cost with list multipliers; `variables` are unknown at validation time, so variables count as 100 (the page cap). */
export const maxCostRule: ValidationRule = (ctx): ASTVisitor => {
  const frags = fragmentsOf(ctx);
  const cost = (set: SelectionSetNode | undefined, parentType: ReturnType<ValidationContext['getParentType']>, seen: Set<string>): number => {
    if (!set) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const fieldDef = parentType && 'getFields' in parentType ? (parentType.getFields() as Record<string, GraphQLField<unknown, unknown>>)[sel.name.value] : undefined;
        const type = fieldDef?.type as GraphQLOutputType | undefined;
        const named = type ? getNamedType(type) : undefined;
        const paginated = (sel.arguments ?? []).some((a) => a.name.value === 'first' || a.name.value === 'last');
        const isConnection = Boolean(named && named.name.endsWith('Connection'));
        const mult = paginated || isConnection ? Math.min(pageSize(sel, new Proxy({}, { get: () => 100 })), 1_000) : 1;
        const childType = named && 'getFields' in named ? named : parentType;
        total += 1 + mult * cost(sel.selectionSet, sel.selectionSet ? (childType as never) : parentType, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? ctx.getSchema().getType(sel.typeCondition.name.value) : parentType;
        total += cost(sel.selectionSet, t as never, seen);
      } else if (!seen.has(sel.name.value)) {
        const f = frags.get(sel.name.value);
        if (f) total += cost(f.selectionSet, ctx.getSchema().getType(f.typeCondition.name.value) as never, new Set([...seen, sel.name.value]));
      }
    }
    return total;
  };
  return {
    OperationDefinition(node) {
      const root = node.operation === 'query' ? ctx.getSchema().getQueryType() : node.operation === 'mutation' ? ctx.getSchema().getMutationType() : ctx.getSchema().getSubscriptionType();
      const c = cost(node.selectionSet, root as never, new Set());
      if (c > LIMITS.maxCost) ctx.reportError(err(`query cost ${c} exceeds the limit of ${LIMITS.maxCost}`, 'MAX_COST'));
    },
  };
};

export const LIMIT_RULES: ValidationRule[] = [maxDepthRule, maxAliasesRule, maxCostRule];
