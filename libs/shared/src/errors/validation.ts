import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ValidationFailedError, fieldError } from './domain-error';

/** Flattens class-validator's nested errors into one {@link FieldError} per failed constraint. */
export function toFieldErrors(
  errors: readonly ValidationError[],
  parent: readonly (string | number)[] = [],
): FieldError[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const path = [...parent, key];
    const own = Object.values(error.constraints ?? {}).map((message) =>
      fieldError(path, stripPropertyName(message, error.property)),
    );
    return [...own, ...toFieldErrors(error.children ?? [], path)];
  });
}

/** class-validator starts messages with the property name; the field is named separately. */
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * The global validation pipe: DTO classes filter input (unknown properties are rejected,
 * not silently dropped) and every failure becomes a {@link ValidationFailedError}.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
