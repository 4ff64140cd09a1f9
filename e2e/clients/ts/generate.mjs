// Generates gen/atlas.d.ts and gen/brainstem.d.ts from the specs with
// openapi-typescript's Node API: the same output as its CLI, except that
// `format: binary` becomes Blob (the CLI says string), so that uploads are
// typed as files (openapi-typescript's documented "Blob types" transform).
import fs from "node:fs";
import ts from "typescript";
import openapiTS, { astToString } from "openapi-typescript";

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

fs.mkdirSync(new URL("gen/", import.meta.url), { recursive: true });
for (const spec of ["atlas", "brainstem"]) {
  const ast = await openapiTS(new URL(`../../../openapi/${spec}.yaml`, import.meta.url), {
    transform(schema) {
      if (schema.format === "binary") {
        return schema.nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
      }
      return undefined;
    },
  });
  fs.writeFileSync(new URL(`gen/${spec}.d.ts`, import.meta.url), astToString(ast));
  console.log(`gen/${spec}.d.ts`);
}
