package dev.killboard.api.resolvers;

import dev.killboard.api.auth.Authentication;
import dev.killboard.api.auth.Privileges;
import dev.killboard.api.auth.SignIn;
import dev.killboard.api.auth.Viewer;
import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.UserRepository;
import dev.killboard.api.data.UserRepository.StoredUser;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import dev.killboard.api.graphql.RequestContext;
import dev.killboard.api.graphql.ResolverModule;
import dev.killboard.api.http.LoginCookie;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Signing in with EVE SSO, the signed-in user, and the original's user stubs. */
public final class AuthResolvers implements ResolverModule {
  private final SignIn signIn;
  private final UserRepository users;
  private final QueryLimits limits;
  private final Privileges privileges;

  /** The GraphQL User. */
  public record User(String id, String name, String email, String createdAt) {
    static User of(StoredUser u) {
      return new User(
          Integer.toString(u.characterId()),
          u.characterName(),
          u.email() == null ? "" : u.email(),
          u.createdAt());
    }
  }

  /** The GraphQL AuthPayload. */
  public record AuthPayload(String accessToken, String refreshToken, int expiresIn, User user) {
    @Override
    public String toString() {
      return "AuthPayload[user=" + user.id() + "]";
    }
  }

  public AuthResolvers(
      SignIn signIn, UserRepository users, QueryLimits limits, Privileges privileges) {
    this.privileges = privileges;
    this.signIn = signIn;
    this.users = users;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type(
        "Query",
        t ->
            t.dataFetcher("me", this::me)
                .dataFetcher("user", this::user)
                .dataFetcher("users", this::users));
    w.type(
        "Mutation",
        t ->
            t.dataFetcher("login", env -> signIn.login())
                .dataFetcher(
                    "authenticateWithCode",
                    env ->
                        Async.stage(
                            signIn
                                .completeWithCode(
                                    env.getArgument("code"),
                                    env.getArgument("state"),
                                    browserNonce(env),
                                    RequestContext.of(env).clientAddress())
                                .map(AuthResolvers::payload)))
                .dataFetcher(
                    "refreshToken",
                    env ->
                        Async.stage(
                            signIn
                                .refresh(
                                    env.getArgument("refreshToken"),
                                    RequestContext.of(env).clientAddress())
                                .map(AuthResolvers::payload)))
                .dataFetcher(
                    "createUser",
                    env -> {
                      throw new ApiException(
                          ErrorCode.NOT_SUPPORTED, "Users are created by signing in with EVE SSO");
                    })
                .dataFetcher(
                    "updateUser",
                    env -> {
                      throw new ApiException(
                          ErrorCode.NOT_SUPPORTED,
                          "Users are kept in step with EVE SSO and cannot be edited");
                    }));
  }

  static AuthPayload payload(SignIn.Session s) {
    return new AuthPayload(
        s.grant().accessToken(),
        s.grant().refreshToken(),
        (int) s.grant().expiresIn().toSeconds(),
        User.of(s.user()));
  }

  private Object me(DataFetchingEnvironment env) {
    Viewer viewer = RequestContext.of(env).authentication().require();
    return Async.stage(
        users
            .byCharacter(viewer.characterId())
            .compose(
                u ->
                    u == null
                        ? Future.failedFuture(
                            ApiException.unauthenticated(
                                "no user for this character; sign in with EVE SSO first"))
                        : Future.succeededFuture(User.of(u))));
  }

  /** The sign-in cookie's nonce of a plain HTTP request (a WebSocket has none). */
  private static String browserNonce(DataFetchingEnvironment env) {
    RoutingContext rc = env.getGraphQlContext().get(RoutingContext.class);
    return rc == null ? null : LoginCookie.of(rc.request());
  }

  /** Every user for admins; the viewer's own record for anyone else signed in (issue 10, R3). */
  private Object users(DataFetchingEnvironment env) {
    Authentication auth = RequestContext.of(env).authentication();
    Viewer viewer = auth.require();
    if (privileges.isAdmin(auth)) {
      return Async.stage(
          users.newest(limits.maxPageSize()).map(l -> l.stream().map(User::of).toList()));
    }
    return Async.stage(
        users
            .byCharacter(viewer.characterId())
            .map(u -> u == null ? List.<User>of() : List.of(User.of(u))));
  }

  /** A user record: the viewer's own, or any for admins. */
  private Object user(DataFetchingEnvironment env) {
    Authentication auth = RequestContext.of(env).authentication();
    Viewer viewer = auth.require();
    String raw = env.getArgument("id");
    int id;
    try {
      id = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    if (id != viewer.characterId() && !privileges.isAdmin(auth)) {
      throw new ApiException(
          ErrorCode.FORBIDDEN, "A user record can be read by that user and by admins only");
    }
    return Async.stage(users.byCharacter(id).map(u -> u == null ? null : User.of(u)));
  }
}
