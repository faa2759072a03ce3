import { ConfigError, loadConfig } from '@trellis/shared';

function issuesOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('emptyEnvironment_givesDefaults', () => {
    expect(loadConfig({})).toEqual({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: 10,
      TRELLIS_DATA_DIR: '.trellis',
    });
  });

  it('validValues_areParsedAndTyped', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/trellis',
      DATABASE_POOL_SIZE: '4',
      LOG_LEVEL: 'debug',
    });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_POOL_SIZE).toBe(4);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/trellis');
  });

  it('emptyString_countsAsUnset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).not.toHaveProperty('DATABASE_URL');
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['PORT', '3.5'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_URL', 'mysql://root@127.0.0.1/db'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_POOL_SIZE', '0'],
  ])('bad_%s=%s_isNamed', (variable, value) => {
    const issues = issuesOf({ [variable]: value });
    expect(issues.map((i) => i.variable)).toEqual([variable]);
  });

  it('everyBadVariable_isReported_withoutEchoingValues', () => {
    const secret = 'mysql://admin:hunter2@db/x';
    let message = '';
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', DATABASE_URL: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    );
    expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(message).not.toContain('hunter2');
  });
});
