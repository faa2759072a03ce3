// Root Jest config: one run over every workspace project that has a jest.config.js
// (`npm run test:unit`); each project also runs alone with `npx nx test <project>`.
const fs = require('node:fs');
const path = require('node:path');

const dirs = ['libs', 'apps'].flatMap((top) =>
  fs
    .readdirSync(path.join(__dirname, top))
    .flatMap((name) => [`${top}/${name}`, `${top}/${name}/contract`]),
);
module.exports = {
  projects: [...dirs, 'tools']
    .filter((d) => fs.existsSync(path.join(__dirname, d, 'jest.config.js')))
    .map((d) => `<rootDir>/${d}`),
  maxWorkers: 2,
};
