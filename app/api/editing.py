"""The editing routes of the catalogue (create, replace, change, delete), which are the same
for exercises, advice and programmes but for their types: one definition, used three times.

(No `from __future__ import annotations` here: the body and answer types are set on the
route functions at run time, and FastAPI reads them from the functions' annotations.)
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from app.api.deps import ContentEditor, PrivateCache, SessionDep
from app.errors import WRITE_ERRORS, problem_responses
from app.services import content_admin


def add_editing_routes(
    router: APIRouter,
    *,
    kind: content_admin.Kind[Any, Any, Any],
    body: type[BaseModel],
    patch: type[BaseModel],
    public: type[BaseModel],
    slug: Any,
    noun: str,
    a_noun: str,
    delete_conflicts: bool = False,
) -> None:
    """Add POST "", PUT/PATCH/DELETE "/{slug}" to `router` for one kind of item (`slug`: the
    annotated type of its path parameter)."""

    def create(body: Any, editor: ContentEditor, session: SessionDep, response: Response) -> Any:
        created = content_admin.create(session, kind, body, actor=editor)
        response.headers["Location"] = created.href
        return created

    def replace(slug: str, body: Any, editor: ContentEditor, session: SessionDep) -> Any:
        return content_admin.replace(session, kind, slug, body, actor=editor)

    def update(slug: str, body: Any, editor: ContentEditor, session: SessionDep) -> Any:
        changes = body.model_dump(exclude_unset=True)
        return content_admin.patch(session, kind, slug, changes, actor=editor)

    def delete(slug: str, editor: ContentEditor, session: SessionDep) -> Response:
        content_admin.delete(session, kind, slug, actor=editor)
        return Response(status_code=204)

    for function, body_type in ((create, body), (replace, body), (update, patch)):
        function.__annotations__.update({"body": body_type, "return": public})
    for with_slug in (replace, update, delete):
        with_slug.__annotations__["slug"] = slug

    create.__doc__ = f"Create {a_noun} (scope `content:write`); audited."
    replace.__doc__ = f"Replace {a_noun} with the body (scope `content:write`); audited."
    update.__doc__ = f"Change some fields of {a_noun} (scope `content:write`); audited."
    delete.__doc__ = (
        f"Delete {a_noun} (scope `content:write`); it stays listed as a tombstone for sync."
    )
    with_404 = {**WRITE_ERRORS, **problem_responses(404)}
    delete_errors = problem_responses(403, 404, *([409] if delete_conflicts else []))
    routes: list[tuple[Callable[..., Any], str, str, int, dict[int | str, Any], list[Any]]] = [
        (create, "POST", "", 201, WRITE_ERRORS, [PrivateCache]),
        (replace, "PUT", "/{slug}", 200, with_404, [PrivateCache]),
        (update, "PATCH", "/{slug}", 200, with_404, [PrivateCache]),
        (delete, "DELETE", "/{slug}", 204, delete_errors, []),
    ]
    for function, method, path, status, responses, cache in routes:
        name = f"{function.__name__}_{noun}"
        router.add_api_route(
            path,
            function,
            methods=[method],
            name=name,
            operation_id=name,
            status_code=status,
            dependencies=cache,
            responses=responses,
        )
