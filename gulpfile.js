const { src, dest } = require('gulp');

// tsc emits only JavaScript; n8n loads the node and credential icons from dist/icons.
function buildIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

exports['build:icons'] = buildIcons;
