import type { ValidationError } from '@nestjs/common';
import { ValidationFailedError, fieldError, toFieldErrors } from '@trellis/shared';

describe('error model', () => {
  it('fieldError_namesThePath_andEscapesThePointer', () => {
    expect(fieldError(['lines', 0, 'quantity'], 'must be an integer')).toEqual({
      field: 'lines[0].quantity',
      pointer: '#/lines/0/quantity',
      message: 'must be an integer',
    });
    expect(fieldError(['a/b', 'c~d'], 'x').pointer).toBe('#/a~1b/c~0d');
  });

  it('toFieldErrors_flattensNestedClassValidatorErrors', () => {
    const errors = [
      {
        property: 'lines',
        children: [
          {
            property: '1',
            children: [
              {
                property: 'quantity',
                constraints: { isInt: 'quantity must be an integer number' },
              },
            ],
          },
        ],
      },
      { property: 'currency', constraints: { matches: 'currency must be an ISO 4217 code' } },
    ] as ValidationError[];
    expect(toFieldErrors(errors)).toEqual([
      {
        field: 'lines[1].quantity',
        pointer: '#/lines/1/quantity',
        message: 'must be an integer number',
      },
      { field: 'currency', pointer: '#/currency', message: 'must be an ISO 4217 code' },
    ]);
  });

  it('validationFailed_carriesItsErrorsAsAnExtension', () => {
    const error = new ValidationFailedError([fieldError(['currency'], 'is required')]);
    expect(error.status).toBe(400);
    expect(error.detail).toBe('currency: is required');
    expect(error.extensions).toEqual({ errors: [fieldError(['currency'], 'is required')] });
  });
});
