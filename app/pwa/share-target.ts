/** Where the service worker receives files shared from other apps (Web Share Target). */
export const shareTargetPath = '/share-target';

/** The multipart field the manifest declares for shared files. */
export const shareTargetField = 'images';
