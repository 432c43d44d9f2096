export { DateTimeResolver as DateTimeScalar, JSONObjectResolver as JSONObjectScalar, URLResolver as URLScalar } from 'graphql-scalars';
