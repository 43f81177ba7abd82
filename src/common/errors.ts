import { GraphQLError } from "graphql";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { ErrorCode } from "./domain-error";

export { DomainError, DomainErrors, ErrorCode, notFound, type UserErrorShape } from "./domain-error";

registerEnumType(ErrorCode, { name: "ErrorCode", description: "Why a request was refused." });

@ObjectType({ description: "A domain refusal: the mutation changed nothing." })
export class UserError {
  @Field(() => ErrorCode)
  code: ErrorCode;

  @Field(() => String)
  message: string;

  @Field(() => [String], { nullable: true, description: "Path to the offending input field, e.g. [\"input\", \"name\"]." })
  field?: string[] | null;
}

/** Top-level error for requests without a valid principal. */
export function unauthenticated(message = "Missing or invalid credentials"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Top-level error for a query argument that cannot be honoured (queries have no payload). */
export function invalidArgument(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.INVALID_INPUT, argument } });
}

/** Top-level error for a principal that may not call an operation at all. */
export function notPermitted(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_PERMITTED } });
}
