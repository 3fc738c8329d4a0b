import { NodeEditorError } from './errors.js';
import type { NodeCategory, NodeDefinition } from './node-definition.js';

/**
 * The node types a workflow may use. An instance, never module state: create one (usually with
 * `createDefaultRegistry()`), add your own definitions, and hand it to the executor and the editor.
 */
export class NodeRegistry {
  readonly #definitions = new Map<string, NodeDefinition>();

  /**
   * @param definitions - registered in order (as with {@link NodeRegistry.register})
   */
  constructor(definitions: Iterable<NodeDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  /**
   * Adds a node type.
   *
   * @throws {@link NodeEditorError} `WORKFLOW_DUPLICATE_NODE_TYPE` when the type is already registered
   * @returns this registry, for chaining
   */
  register(definition: NodeDefinition): this {
    if (this.#definitions.has(definition.type)) {
      throw new NodeEditorError('WORKFLOW_DUPLICATE_NODE_TYPE', `Node type '${definition.type}' is already registered in this registry.`, {
        details: { type: definition.type },
      });
    }
    this.#definitions.set(definition.type, definition);
    return this;
  }

  /** True when `type` is registered. */
  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /** The definition of `type`, or `undefined`. */
  find(type: string): NodeDefinition | undefined {
    return this.#definitions.get(type);
  }

  /**
   * The definition of `type`.
   *
   * @throws {@link NodeEditorError} `WORKFLOW_UNKNOWN_NODE_TYPE`
   */
  get(type: string): NodeDefinition {
    const definition = this.#definitions.get(type);
    if (definition === undefined) {
      throw new NodeEditorError('WORKFLOW_UNKNOWN_NODE_TYPE', `Unknown node type '${type}'; known types: ${this.types().join(', ')}.`, { details: { type } });
    }
    return definition;
  }

  /** Every registered type, in registration order. */
  types(): string[] {
    return [...this.#definitions.keys()];
  }

  /** Every definition, in registration order, optionally of one category. */
  definitions(category?: NodeCategory): NodeDefinition[] {
    const all = [...this.#definitions.values()];
    return category === undefined ? all : all.filter((d) => d.category === category);
  }
}
