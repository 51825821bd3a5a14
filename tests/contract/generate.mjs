// Generates the TypeScript types of /openapi/v1.json as a frontend should: openapi-typescript (the
// pinned version), with its documented transform for files, so that a multipart field of
// `type: string, format: binary` (a proof's screenshot) is a Blob (a File is one) rather than a
// string: the upload then type-checks without a cast. Everything else is openapi-typescript's default.
//
//   node generate.mjs openapi.json merchant-api.ts
//
// ContractTests runs it on the document the service serves; `npm run generate` on a saved one.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node generate.mjs <openapi.json> <output.ts>");
  process.exit(2);
}

const blob = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const nullType = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const ast = await openapiTS(pathToFileURL(input), {
  transform(schema) {
    if (schema.format === "binary") {
      const nullable = Array.isArray(schema.type) ? schema.type.includes("null") : schema.nullable === true;
      return nullable ? ts.factory.createUnionTypeNode([blob, nullType]) : blob;
    }
    return undefined;
  },
});
writeFileSync(output, astToString(ast));
console.log(`${input} → ${output}`);
