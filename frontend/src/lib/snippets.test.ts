import { describe, expect, it } from "vitest";
import { curlSnippet, pythonLiteral, pythonSnippet } from "./snippets";

const call = {
  origin: "http://127.0.0.1:8000/",
  deploymentId: "dep-1",
  rows: [{ age: 37, city: "O'Fallon", member: true, income: null }],
};

describe("snippets", () => {
  it("curl: the exact call, single quotes escaped for the shell", () => {
    expect(curlSnippet(call)).toBe(
      [
        "curl -X POST 'http://127.0.0.1:8000/api/v1/deployments/dep-1/predict' \\",
        "  -H 'Content-Type: application/json' \\",
        `  -d '{"rows":[{"age":37,"city":"O'\\''Fallon","member":true,"income":null}]}'`,
      ].join("\n"),
    );
  });

  it("Python: requests with the rows as a Python literal", () => {
    expect(pythonSnippet(call)).toBe(
      [
        "import requests",
        "",
        "rows = [",
        "    {",
        '        "age": 37,',
        '        "city": "O\'Fallon",',
        '        "member": True,',
        '        "income": None,',
        "    },",
        "]",
        "response = requests.post(",
        '    "http://127.0.0.1:8000/api/v1/deployments/dep-1/predict",',
        '    json={"rows": rows},',
        "    timeout=30,",
        ")",
        "response.raise_for_status()",
        "print(response.json())",
        "",
      ].join("\n"),
    );
  });

  it("Python literals", () => {
    expect(pythonLiteral([])).toBe("[]");
    expect(pythonLiteral({})).toBe("{}");
    expect(pythonLiteral(false)).toBe("False");
    expect(pythonLiteral(Number.NaN)).toBe("None");
    expect(pythonLiteral('say "hi"')).toBe('"say \\"hi\\""');
  });
});
