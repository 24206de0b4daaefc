import { Link, useRouteError } from "react-router";
import { errorMessage } from "../api/client";

export function RouteError({ notFound = false }: { notFound?: boolean }) {
  const error = useRouteError();
  return (
    <section className="panel" role="alert">
      <h1>{notFound ? "Page not found" : "Something went wrong"}</h1>
      {!notFound && error !== undefined && <p className="error">{errorMessage(error)}</p>}
      <p>
        <Link to="/canvas">Back to the canvas</Link>
      </p>
    </section>
  );
}
