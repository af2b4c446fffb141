import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ROLES_KEY } from '../auth/guards';
import { DIRECT_READS } from './direct-reads';

// serveCachedReads answers these routes itself, letting in every authenticated caller: that is
// right only while the controller's own GET handler has no narrower @Roles.
describe('DIRECT_READS', () => {
  it.each(DIRECT_READS)(
    '$route is its controller GET handler, open to every role',
    ({ route, controller }) => {
      const prototype = controller.prototype as Record<string, unknown>;
      const handler = prototype['get'] as object;
      expect(
        `/${Reflect.getMetadata(PATH_METADATA, controller)}/${Reflect.getMetadata(PATH_METADATA, handler)}`,
      ).toBe(route);
      expect(Reflect.getMetadata(METHOD_METADATA, handler)).toBe(RequestMethod.GET);
      expect(Reflect.getMetadata(ROLES_KEY, handler)).toBeUndefined();
      expect(Reflect.getMetadata(ROLES_KEY, controller)).toBeUndefined();
    },
  );
});
