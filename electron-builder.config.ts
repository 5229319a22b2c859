// electron-builder reads its configuration from here (`electron-builder --config electron-builder.config.ts`);
// the configuration itself lives in electron.config.ts beside the build settings.
import { builderConfig } from './electron.config';

export default builderConfig;
