import '../local/node-compat.ts';
