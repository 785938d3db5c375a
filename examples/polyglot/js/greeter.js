// The JavaScript greeter, built with componentize-js at its default settings.
// WASI is reached through its own interfaces: `getEnvironment` from
// `wasi:cli/environment` and `console.error`, which writes to stderr.
import { getEnvironment } from 'wasi:cli/environment@0.2.10';

export const greet = {
  hello(name) {
    const found = getEnvironment().find(([key]) => key === 'GREETING');
    const greeting = found && found[1] !== '' ? found[1] : 'Hello';
    console.error(`js greeter: greeting ${name}`);
    return `${greeting}, ${name}! (from JavaScript)`;
  },
};
