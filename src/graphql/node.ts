import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType("Node", { description: "An object with an opaque global id, fetchable through `node(id:)`." })
export abstract class Node {
  @Field(() => ID)
  id: string;
}
