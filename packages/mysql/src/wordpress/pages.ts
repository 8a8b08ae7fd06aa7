/**
 * The HTML WordPress sends: the installer's pages (wp-admin/install.php), wp_die()'s error page,
 * and a minimal rendering of the front end (the Twenty Twenty-Three theme's structure, without
 * its styles). Visible texts are WordPress's own.
 */

export function escHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#039;");
}

function installHeader(bodyClass = ""): string {
  return `<!DOCTYPE html>
<html lang="en-US">
<head>
	<meta name="viewport" content="width=device-width" />
	<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
	<meta name="robots" content="noindex,nofollow" />
	<title>WordPress &rsaquo; Installation</title>
	<link rel='stylesheet' id='install-css' href='css/install.min.css?ver=6.2.1' type='text/css' media='all' />
</head>
<body class="wp-core-ui${bodyClass}">
<p id="logo">WordPress</p>
`;
}

const INSTALL_FOOTER = `<script type="text/javascript">var t = document.getElementById('weblog_title'); if (t){ t.focus(); }</script>
</body>
</html>
`;

export interface SetupFormValues {
  readonly weblogTitle: string;
  readonly userName: string;
  readonly adminEmail: string;
  readonly blogPublic: boolean;
  readonly language: string;
}

/** display_setup_form(): the "Information needed" form, with an error above it after a bad submission. */
export function setupForm(values: SetupFormValues, error?: string): string {
  const err = error === undefined ? "" : `<h1>Welcome</h1>\n<p class="message">${error}</p>\n`;
  return `${err}<form id="setup" method="post" action="install.php?step=2" novalidate="novalidate">
	<table class="form-table" role="presentation">
		<tr>
			<th scope="row"><label for="weblog_title">Site Title</label></th>
			<td><input name="weblog_title" type="text" id="weblog_title" size="25" value="${escHtml(values.weblogTitle)}" /></td>
		</tr>
		<tr>
			<th scope="row"><label for="user_login">Username</label></th>
			<td>
				<input name="user_name" type="text" id="user_login" size="25" value="${escHtml(values.userName)}" />
				<p>Usernames can have only alphanumeric characters, spaces, underscores, hyphens, periods, and the @ symbol.</p>
			</td>
		</tr>
		<tr class="form-field form-required user-pass1-wrap">
			<th scope="row"><label for="pass1">Password</label></th>
			<td>
				<div class="wp-pwd">
					<input type="password" name="admin_password" id="pass1" class="regular-text" autocomplete="new-password" spellcheck="false" aria-describedby="pass-strength-result admin-password-desc" />
					<div id="pass-strength-result" aria-live="polite"></div>
				</div>
				<p><span class="description important hide-if-no-js"><strong>Important:</strong> You will need this password to log&nbsp;in. Please store it in a secure location.</span></p>
			</td>
		</tr>
		<tr class="form-field form-required user-pass2-wrap hide-if-js">
			<th scope="row"><label for="pass2">Repeat Password <span class="description">(required)</span></label></th>
			<td><input type="password" name="admin_password2" id="pass2" autocomplete="new-password" spellcheck="false" /></td>
		</tr>
		<tr class="pw-weak">
			<th scope="row">Confirm Password</th>
			<td><label><input type="checkbox" name="pw_weak" class="pw-checkbox" /> Confirm use of weak password</label></td>
		</tr>
		<tr>
			<th scope="row"><label for="admin_email">Your Email</label></th>
			<td><input name="admin_email" type="email" id="admin_email" size="25" value="${escHtml(values.adminEmail)}" />
			<p>Double-check your email address before continuing.</p></td>
		</tr>
		<tr>
			<th scope="row">Search engine visibility</th>
			<td>
				<fieldset>
					<legend class="screen-reader-text"><span>Search engine visibility </span></legend>
					<label for="blog_public"><input name="blog_public" type="checkbox" id="blog_public" value="0"${values.blogPublic ? "" : " checked='checked'"} />
					Discourage search engines from indexing this site</label>
					<p class="description">It is up to search engines to honor this request.</p>
				</fieldset>
			</td>
		</tr>
	</table>
	<p class="step"><input type="submit" name="Submit" id="submit" class="button button-large" value="Install WordPress"  /></p>
	<input type="hidden" name="language" value="${escHtml(values.language)}" />
</form>
`;
}

/** Step 1 (reached at once when the translations API is out of reach, as it is in the cluster). */
export function welcomePage(values: SetupFormValues): string {
  return `${installHeader()}<h1>Welcome</h1>
<p>Welcome to the famous five-minute WordPress installation process! Just fill in the information below and you&#8217;ll be on your way to using the most extendable and powerful personal publishing platform in the world.</p>

<h2>Information needed</h2>
<p>Please provide the following information. Don&#8217;t worry, you can always change these settings later.</p>

${setupForm(values)}${INSTALL_FOOTER}`;
}

export function setupErrorPage(values: SetupFormValues, error: string): string {
  return `${installHeader()}${setupForm(values, error)}${INSTALL_FOOTER}`;
}

export function successPage(userName: string, generatedPassword: string | undefined, loginUrl: string): string {
  const password =
    generatedPassword === undefined
      ? "<p><em>Your chosen password.</em></p>"
      : `<code>${escHtml(generatedPassword)}</code><br />\n\t\t\t<p><strong>Note that password</strong> carefully! It is a <em>random</em> password that was generated just for you.</p>`;
  return `${installHeader()}
<h1>Success!</h1>

<p>WordPress has been installed. Thank you, and enjoy!</p>

<table class="form-table install-success">
	<tr>
		<th>Username</th>
		<td>${escHtml(userName)}</td>
	</tr>
	<tr>
		<th>Password</th>
		<td>
			${password}
		</td>
	</tr>
</table>

<p class="step"><a href="${escHtml(loginUrl)}" class="button button-large">Log In</a></p>

${INSTALL_FOOTER}`;
}

export function alreadyInstalledPage(loginUrl: string): string {
  return `${installHeader()}<h1>Already Installed</h1><p>You appear to have already installed WordPress. To reinstall please clear your old database tables first.</p><p class="step"><a href="${escHtml(loginUrl)}" class="button button-large">Log In</a></p></body></html>`;
}

/** _default_wp_die_handler(): the plain error page (Database Error, …). */
export function diePage(title: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en-US">
<head>
	<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
	<meta name="viewport" content="width=device-width">
	<meta name='robots' content='max-image-preview:large, noindex, follow' />
	<title>${escHtml(title)}</title>
	<style type="text/css">
		html { background: #f1f1f1; }
		body { background: #fff; border: 1px solid #ccd0d4; color: #444; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; margin: 2em auto; padding: 1em 2em; max-width: 700px; }
		h1 { border-bottom: 1px solid #dadada; clear: both; color: #666; font-size: 24px; margin: 30px 0 0 0; padding: 0 0 7px; }
	</style>
</head>
<body id="error-page">
	<div class="wp-die-message">${message}</div></body>
</html>
	`;
}

export const DB_ERROR_PAGE = diePage("Database Error", "<h1>Error establishing a database connection</h1>");

export interface PostView {
  readonly title: string;
  readonly link: string;
  readonly date: string;
  readonly content: string;
}

export function themePage(siteTitle: string, home: string, bodyClass: string, docTitle: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en-US">
<head>
	<meta charset="UTF-8" />
	<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name='robots' content='max-image-preview:large' />
<title>${escHtml(docTitle)}</title>
<link rel="alternate" type="application/rss+xml" title="${escHtml(siteTitle)} &raquo; Feed" href="${home}/feed/" />
<link rel="https://api.w.org/" href="${home}/wp-json/" />
<meta name="generator" content="WordPress 6.2.1" />
</head>

<body class="${bodyClass}">
<div class="wp-site-blocks"><header class="wp-block-template-part">
<p class="wp-block-site-title"><a href="${home}" target="_self" rel="home">${escHtml(siteTitle)}</a></p>
</header>
<main class="wp-block-group">
${main}
</main>
<footer class="wp-block-template-part"><p class="has-text-align-right">Proudly powered by <a href="https://wordpress.org" rel="nofollow">WordPress</a></p></footer></div>
</body>
</html>
`;
}

export function postArticle(p: PostView): string {
  return `<article class="wp-block-post post type-post status-publish">
<h2 class="wp-block-post-title"><a href="${p.link}" target="_self">${escHtml(p.title)}</a></h2>
<div class="wp-block-post-date"><time datetime="${p.date}">${p.date}</time></div>
<div class="entry-content wp-block-post-content">${p.content}</div>
</article>`;
}

export function loginPage(home: string): string {
  return `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>Log In &lsaquo; WordPress &#8212; WordPress</title>
</head>
<body class="login no-js login-action-login wp-core-ui">
<div id="login">
<h1><a href="https://wordpress.org/">Powered by WordPress</a></h1>
<form name="loginform" id="loginform" action="${home}/wp-login.php" method="post">
<p><label for="user_login">Username or Email Address</label>
<input type="text" name="log" id="user_login" class="input" value="" size="20" autocapitalize="off" autocomplete="username" required="required" /></p>
<div class="user-pass-wrap"><label for="user_pass">Password</label>
<input type="password" name="pwd" id="user_pass" class="input password-input" value="" size="20" autocomplete="current-password" spellcheck="false" required="required" /></div>
<p class="submit"><input type="submit" name="wp-submit" id="wp-submit" class="button button-primary button-large" value="Log In" /></p>
</form>
</div>
</body>
</html>
`;
}

/** Apache's own error page (when WordPress does not answer, e.g. its files are missing). */
export function apacheError(status: 403 | 404, host: string): string {
  const [title, text] =
    status === 404 ? ["404 Not Found", "The requested URL was not found on this server."] : ["403 Forbidden", "You don't have permission to access this resource."];
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>${title}</title>
</head><body>
<h1>${title.slice(4)}</h1>
<p>${text}</p>
<hr>
<address>Apache/2.4.56 (Debian) Server at ${escHtml(host)} Port 80</address>
</body></html>
`;
}
