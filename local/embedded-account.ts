// The region and credentials of the embedded lab, in a module of their own so
// that commands attaching to `racelab up` from another terminal can use them
// without loading the lab's servers. The endpoints accept any credentials; the
// SDK still needs some to sign with.
export const EMBEDDED_REGION = 'us-east-1';
export const EMBEDDED_CREDENTIALS = { accessKeyId: 'racelab', secretAccessKey: 'racelab' };
