import type { ContainerType } from "type-graphql";

type Constructor = new (...args: never[]) => object;

/**
 * type-graphql's resolver container for one app: each resolver class is built once, with the
 * services its constructor declares (`constructor(private readonly groups: GroupService)`), looked
 * up by their class through the parameter types TypeScript records (`emitDecoratorMetadata`).
 */
export class ResolverContainer implements ContainerType {
  private readonly services = new Map<Function, object>();
  private readonly resolvers = new Map<Function, object>();

  /** Makes these objects available to resolver constructors, each under its own class. */
  provide(...services: object[]): this {
    for (const service of services) this.services.set(service.constructor, service);
    return this;
  }

  get(resolverClass: Constructor): object {
    let resolver = this.resolvers.get(resolverClass);
    if (!resolver) {
      const parameterTypes: Function[] = Reflect.getMetadata("design:paramtypes", resolverClass) ?? [];
      const args = parameterTypes.map((type, index) => {
        const service = this.services.get(type);
        if (!service) throw new Error(`${resolverClass.name}: nothing provides ${type?.name ?? "?"} (constructor parameter ${index})`);
        return service;
      });
      resolver = new resolverClass(...(args as never[]));
      this.resolvers.set(resolverClass, resolver);
    }
    return resolver;
  }
}
